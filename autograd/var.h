// Var: a tensor that remembers how it was computed, so that gradients can
// flow back to it.
//
//   Var w(gen.normal({3, 2}), true);        // a leaf that requires grad
//   Var loss = sum(tanh(matmul(x, w)));
//   loss.backward();                        // fills w.grad()
//
// Like Tensor, Var is a handle: copies refer to the same node.
//
// Gradients accumulate: a second backward() adds to .grad() (useful to sum
// gradients over several batches); call zero_grad() to clear them. After
// backward() the graph behind the root is freed, unless retain_graph is
// passed; going backward through a freed graph throws.
#pragma once

#include "autograd/node.h"

#include <memory>
#include <string>

namespace atto {

class Var {
 public:
  // A leaf holding `value`; with requires_grad, backward() gives it a gradient.
  explicit Var(Tensor value = Tensor(), bool requires_grad = false);
  explicit Var(std::shared_ptr<Node> node) : node_(std::move(node)) {}

  const Tensor& value() const { return node_->value; }
  // Writable access, for optimizers that update parameters in place.
  Tensor& value() { return node_->value; }
  const Shape& shape() const { return node_->value.shape(); }
  Real item() const { return node_->value.item(); }

  bool requires_grad() const { return node_->requires_grad; }
  void set_requires_grad(bool enabled);  // leaves only
  bool is_leaf() const { return node_->is_leaf(); }
  const std::string& op() const { return node_->op; }

  // The accumulated gradient; throws when backward has not reached this Var.
  const Tensor& grad() const;
  bool has_grad() const { return node_->has_grad; }
  void zero_grad();
  // Replaces the gradient (gradient clipping does): must have the value's shape.
  void set_grad(Tensor grad);
  // Keep this non-leaf's gradient after backward (leaves always keep theirs).
  void retain_grad() { node_->retains_grad = true; }

  // A new leaf sharing this value, cut off from the graph.
  Var detach() const { return Var(node_->value, false); }

  Var& set_name(std::string name);
  const std::string& name() const { return node_->name; }

  // Backpropagates from this scalar (seed gradient 1).
  void backward(bool retain_graph = false) const;
  // Backpropagates from a Var of any shape, with `grad` as d(loss)/d(this).
  void backward(const Tensor& grad, bool retain_graph = false) const;

  const std::shared_ptr<Node>& node() const { return node_; }

 private:
  std::shared_ptr<Node> node_;
};

}  // namespace atto
