// The autograd graph in one header: Node (one value in the graph), Var (the
// handle users hold) and record (how an op adds a node). The backward pass
// that walks these nodes is autograd/backward.cpp; each op's own backward sits
// beside its forward in autograd/ops/.
//
//   Var w(gen.normal({3, 2}), true);        // a leaf that requires grad
//   Var loss = sum(tanh(matmul(x, w)));
//   loss.backward();                        // fills w.grad()
//
// Like Tensor, Var is a handle: copies refer to the same node.
//
// Writing in place into a tensor that an op used (w.mutable_value().data()[0]
// = 5, fill, an optimizer's step) between forward and backward makes that
// backward throw, naming the op and the tensor, as PyTorch's version
// counters do: the op's saved copy would no longer match its forward.
// Nothing is checked under NoGradGuard, where no graph is recorded; an
// optimizer step after backward, the usual order, is always fine.
//
// Gradients accumulate: a second backward() adds to .grad() (useful to sum
// gradients over several batches); call zero_grad() to clear them. After
// backward() the graph behind the root is freed, unless retain_graph is
// passed; going backward through a freed graph throws.
#pragma once

#include "autograd/grad_mode.h"
#include "core/format.h"
#include "core/tensor.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <source_location>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace atto {

// ---------------------------------------------------------------------------
// Node: one value in the computation graph.
//
// A leaf node (made by the user: an input or a parameter) has no inputs; a
// node made by an op remembers the op's name, the nodes it was computed from,
// and a backward function that maps the gradient of its value to gradients of
// those inputs. The tensors backward needs (the op's "saved tensors") live in
// the backward function's captures.
// ---------------------------------------------------------------------------

// One gradient per input of an op. An entry may be left empty (Tensor())
// for an input that does not need a gradient.
using Grads = std::vector<Tensor>;

// Receives d(loss)/d(value) and, per input, whether it needs a gradient.
using BackwardFn = std::function<Grads(const Tensor& grad, const std::vector<bool>& needs_grad)>;

// The tensors a fused op computes inside and keeps no node for (attention
// weights, LSTM gates), by name, for a picture of the graph to show: worked
// out only when one is drawn (show_internals below).
using Internals = std::function<std::vector<std::pair<std::string, Tensor>>()>;

// An op's backward formula: the forward line and the gradient derived from
// it, "y = tanh(x)  ->  dx = g * (1 - y^2)", given by the op where it
// records itself, so that a picture of the graph shows it wherever the
// program runs (an installed library, an op outside it). A string literal,
// never empty: an op without one does not compile.
class Formula {
 public:
  template <std::size_t N>
  consteval Formula(const char (&text)[N]) : text_(text) {  // NOLINT: converting from a literal is the point
    if (N <= 1 || text[0] == '\0') throw "record: an op's backward formula cannot be empty";
  }
  const char* text() const { return text_; }

 private:
  const char* text_;
};

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
  // The tensors the op saw, its inputs' values, then its own, then the
  // constants it keeps (a mask, a condition, targets: kept_names names
  // them), with their versions at the time (core/tensor.h). A backward
  // function's saved tensors are among them, so backward refuses to run
  // while one has been written in place since: the gradient would silently
  // use the new values.
  std::vector<Tensor> seen;
  std::vector<std::uint64_t> seen_versions;
  std::vector<std::string> kept_names;
  // What pictures of the graph show (graph_json, the explorer page), never
  // used for computing.
  struct Picture {
    const char* formula = nullptr;  // the backward formula the op gave record
    std::source_location recorded_at;  // where the op recorded the node
    std::shared_ptr<const ScopeInstance> scope;  // the graph scope it was recorded in (grad_mode.h)
    Internals internals;  // what a fused op computed inside it, worked out when drawn
  } picture;

  bool is_leaf() const { return op.empty(); }
  // A description for messages: "tanh (2,3)" or "leaf 'w' (3,4)".
  [[nodiscard]] std::string describe() const;

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Tears down the graph behind this node iteratively: a chain of a million
  // ops would otherwise destroy itself by a million nested destructor calls.
  ~Node();
};

// ---------------------------------------------------------------------------
// Var: a tensor that remembers how it was computed.
// ---------------------------------------------------------------------------

class Var {
 public:
  // A leaf holding `value`; with requires_grad, backward() gives it a gradient.
  explicit Var(Tensor value = Tensor(), bool requires_grad = false);
  // A handle on an existing node (record makes them); a null node throws.
  explicit Var(std::shared_ptr<Node> node);

  // The value, read-only: to edit it in place, say so with mutable_value().
  const Tensor& value() const { return node_->value; }
  // Writable access, for optimizers and for editing a value in place. It
  // counts as a write (core/tensor.h): an op that used the old values before
  // the call refuses to go backward after it.
  Tensor& mutable_value() {
    node_->value.note_write();
    return node_->value;
  }
  const Shape& shape() const { return node_->value.shape(); }
  int rank() const { return node_->value.rank(); }
  [[nodiscard]] Index dim(int axis) const { return node_->value.dim(axis); }  // negative axes count from the end
  Index numel() const { return node_->value.numel(); }
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

// ---------------------------------------------------------------------------
// record: how an op enters the graph. Every differentiable op computes its
// value with core kernels, then calls
//
//   return record("tanh", "y = tanh(x)  ->  dx = g * (1 - y^2)", y, {x},
//                 [y](const Tensor& g) -> Grads { ... });
//
// with its backward formula (the forward line and the gradient derived from
// it) and the backward function that computes it beside each other. When grad mode is off or no input
// requires a gradient, no node is made and the lambda is never stored.
//
// A backward function takes the gradient of the op's output and returns one
// gradient per input, each of that input's shape. It may also take a second
// parameter, `const std::vector<bool>& needs_grad`, to skip the gradients of
// inputs that do not need one (matmul does: each one costs a product).
// ---------------------------------------------------------------------------

// A tensor an op keeps for its backward that is not one of its inputs (a
// mask, a condition, targets), named as the op's caller knows it, so that
// backward can refuse it, and say which, once it has been written in place.
struct Kept {
  std::string name;
  Tensor tensor;
};

namespace detail {
[[nodiscard]] bool any_requires_grad(std::span<const Var> inputs);
[[nodiscard]] Var make_node(std::string op, Formula formula, Tensor value, std::span<const Var> inputs,
                            BackwardFn backward, std::initializer_list<Kept> kept,
                            const std::source_location& recorded_at);
// Anomaly mode's forward check: throws when `value` holds NaN or Inf.
void check_forward(const std::string& op, const Tensor& value, std::span<const Var> inputs);
}  // namespace detail

template <class Backward>
[[nodiscard]] Var record(std::string op, Formula formula, Tensor value, std::span<const Var> inputs,
                         Backward backward, std::initializer_list<Kept> kept = {},
                         const std::source_location& recorded_at = std::source_location::current()) {
  if (anomaly_mode()) detail::check_forward(op, value, inputs);
  if (!grad_enabled() || !detail::any_requires_grad(inputs)) return Var(std::move(value));
  if constexpr (std::is_invocable_v<Backward, const Tensor&>) {
    return detail::make_node(std::move(op), formula, std::move(value), inputs,
                             [backward = std::move(backward)](const Tensor& g, const std::vector<bool>&) {
                               return backward(g);
                             },
                             kept, recorded_at);
  } else {
    return detail::make_node(std::move(op), formula, std::move(value), inputs, BackwardFn(std::move(backward)),
                             kept, recorded_at);
  }
}

template <class Backward>
[[nodiscard]] Var record(std::string op, Formula formula, Tensor value, std::initializer_list<Var> inputs,
                         Backward backward, std::initializer_list<Kept> kept = {},
                         const std::source_location& recorded_at = std::source_location::current()) {
  return record(std::move(op), formula, std::move(value), std::span<const Var>(inputs.begin(), inputs.size()),
                std::move(backward), kept, recorded_at);
}

// Gives the node behind `out` (a fused op's output) its internals for
// pictures of the graph; nothing when no node was recorded.
void show_internals(const Var& out, Internals internals);

// Labels a node made by an op for pictures of the graph ("input gate i"),
// only while one is wanted (grad_mode.h): free otherwise. A leaf keeps the
// name its user gave it.
inline Var name_for_pictures(Var v, const char* name) {
  if (graph_pictures_wanted() && !v.is_leaf()) v.node()->name = name;
  return v;
}

// True when every element is finite (no NaN, no Inf).
[[nodiscard]] bool all_finite(const Tensor& t);

// The value as Tensor prints it, then what the graph knows, like PyTorch:
//   tensor([0.76, 0.96])  shape=(2)  op=tanh
//   tensor([1, 2])  shape=(2)  leaf 'w' requires_grad
[[nodiscard]] std::string to_string(const Var& v);

}  // namespace atto

template <>
struct fmt::formatter<atto::Var> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const atto::Var& v, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{}", atto::to_string(v));
  }
};
