#include "autograd/var.h"

#include "core/errors.h"

namespace atto {

Var::Var(Tensor value, bool requires_grad) : node_(std::make_shared<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

void Var::set_requires_grad(bool enabled) {
  if (!is_leaf()) {
    throw_argument_error("set_requires_grad", "{} is computed by an op; only leaves can change requires_grad",
                         node_->describe());
  }
  node_->requires_grad = enabled;
}

const Tensor& Var::grad() const {
  if (!node_->has_grad) {
    throw_argument_error("grad", "{} has no gradient: it does not require grad, backward has not reached it, or it "
                         "is a non-leaf without retain_grad()", node_->describe());
  }
  return node_->grad;
}

void Var::zero_grad() {
  node_->grad = Tensor();
  node_->has_grad = false;
}

void Var::set_grad(Tensor grad) {
  if (!(grad.shape() == node_->value.shape())) {
    throw_shape_error("set_grad", "gradient {} for a value of shape {}", grad.shape(), node_->value.shape());
  }
  node_->grad = std::move(grad);
  node_->has_grad = true;
}

Var& Var::set_name(std::string name) {
  node_->name = std::move(name);
  return *this;
}

void Var::backward(bool retain_graph) const {
  if (node_->value.numel() != 1) {
    throw_shape_error("backward", "implicit gradient needs a single-element output, got {}; pass a gradient",
                      node_->value.shape());
  }
  backward(ones(node_->value.shape()), retain_graph);
}

}  // namespace atto
