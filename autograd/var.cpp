// Building the graph: Var's accessors, Node's description, and record's
// helpers. The walk back through the graph is in autograd/backward.cpp.
#include "autograd/var.h"

#include "core/errors.h"

#include <fmt/format.h>

#include <cmath>

namespace atto {

std::string Node::describe() const {
  if (is_leaf()) return name.empty() ? fmt::format("leaf {}", value.shape()) : fmt::format("leaf '{}' {}", name, value.shape());
  return fmt::format("{} {}", op, value.shape());
}

Var::Var(std::shared_ptr<Node> node) : node_(std::move(node)) {
  if (!node_) throw_argument_error("Var", "a Var needs a node; got a null pointer");
}

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

std::string to_string(const Var& v) {
  std::string text = to_string(v.value());
  if (!v.is_leaf()) {
    text.append("  op=").append(v.op());
  } else {
    text.append("  leaf");
    if (!v.name().empty()) text.append(fmt::format(" '{}'", v.name()));
    if (v.requires_grad()) text.append(" requires_grad");
  }
  return text;
}

Var& Var::set_name(std::string name) {
  node_->name = std::move(name);
  return *this;
}

bool all_finite(const Tensor& t) {
  for (Index i = 0; i < t.numel(); ++i) {
    if (!std::isfinite(t.data()[i])) return false;
  }
  return true;
}

namespace detail {

bool any_requires_grad(std::span<const Var> inputs) {
  for (const Var& input : inputs) {
    if (input.requires_grad()) return true;
  }
  return false;
}

Var make_node(std::string op, Formula formula, Tensor value, std::span<const Var> inputs, BackwardFn backward,
              std::initializer_list<Kept> kept, const std::source_location& recorded_at) {
  auto node = std::make_shared<Node>();
  node->value = std::move(value);
  node->requires_grad = true;
  node->op = std::move(op);
  node->inputs.reserve(inputs.size());
  for (const Var& input : inputs) node->inputs.push_back(input.node());
  for (const Var& input : inputs) node->seen.push_back(input.value());
  node->seen.push_back(node->value);
  for (const Kept& k : kept) {
    node->seen.push_back(k.tensor);
    node->kept_names.push_back(k.name);
  }
  for (const Tensor& t : node->seen) node->seen_versions.push_back(t.version());
  node->backward = std::move(backward);
  node->picture.formula = formula.text();
  node->picture.recorded_at = recorded_at;
  node->picture.scope = current_graph_scope();
  return Var(std::move(node));
}

void check_forward(const std::string& op, const Tensor& value, std::span<const Var> inputs) {
  // An input is checked too: a fused op can turn NaN or Inf into finite
  // numbers (an LSTM's gates saturate at an infinite input), and the
  // anomaly would then surface only in backward, far from its cause. An
  // input made by an op under anomaly mode was checked when it was made,
  // so in practice this finds the leaves.
  int given = 0;
  for (const Var& input : inputs) {
    if (!all_finite(input.value())) {
      throw AnomalyError(fmt::format("anomaly: {} was given NaN or Inf in its input {} ({})", op, given,
                                     input.node()->describe()));
    }
    ++given;
  }
  if (all_finite(value)) return;
  std::string sources;
  int i = 0;
  for (const Var& input : inputs) sources += fmt::format("\n  input {}: {}", i++, input.node()->describe());
  throw AnomalyError(fmt::format("anomaly: forward of {} produced NaN or Inf in its {} output; its inputs:{}", op,
                                 value.shape(), sources));
}

}  // namespace detail

void show_internals(const Var& out, Internals internals) {
  if (!out.is_leaf()) out.node()->picture.internals = std::move(internals);
}

}  // namespace atto
