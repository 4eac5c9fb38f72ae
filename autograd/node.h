// Node: one value in the computation graph.
//
// Every Var points to a Node. A leaf node (made by the user: an input or a
// parameter) has no inputs; a node made by an op remembers the op's name, the
// nodes it was computed from, and a backward function that maps the gradient
// of its value to gradients of those inputs. The tensors backward needs (the
// op's "saved tensors") live in the backward function's captures.
#pragma once

#include "core/tensor.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace atto {

// One gradient per input of an op. An entry may be left empty (Tensor())
// for an input that does not need a gradient.
using Grads = std::vector<Tensor>;

// Receives d(loss)/d(value) and, per input, whether it needs a gradient.
using BackwardFn = std::function<Grads(const Tensor& grad, const std::vector<bool>& needs_grad)>;

struct Node {
  Tensor value;
  Tensor grad;            // meaningful only when has_grad
  bool has_grad = false;
  bool requires_grad = false;
  bool retains_grad = false;  // keep the gradient of a non-leaf after backward
  std::string op;             // empty for a leaf
  std::string name;           // optional label, shown in errors and graph exports
  std::vector<std::shared_ptr<Node>> inputs;
  BackwardFn backward;        // empty for a leaf, and once the graph is freed

  bool is_leaf() const { return op.empty(); }
  // A description for messages: "tanh (2,3)" or "leaf 'w' (3,4)".
  std::string describe() const;

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Tears down the graph behind this node iteratively: a chain of a million
  // ops would otherwise destroy itself by a million nested destructor calls.
  ~Node();
};

}  // namespace atto
