// The backward pass: Var::backward(grad).
//
// 1. Order the graph: nodes_in_order lists every node that requires a
//    gradient after all the nodes it was computed from (iteratively, so a
//    graph of a million ops does not overflow the stack; graph_json and
//    to_dot walk graphs with it too).
// 2. Walk that list from the root back: each node's gradient is complete by
//    the time it is reached (every consumer came before it), so its backward
//    function is called exactly once, and the gradients it returns are added
//    into its inputs' pending gradients.
// 3. Leaves (and nodes with retain_grad) add their gradient to .grad().
// 4. Unless retain_graph, each node's backward function (with the tensors it
//    saved) and its links to its inputs are dropped as soon as it has run.
// 5. A node's destructor frees the graph behind it without recursion.
#include "autograd/var.h"
#include "core/elementwise.h"
#include "core/errors.h"

#include <fmt/format.h>

#include <atomic>
#include <unordered_map>
#include <unordered_set>

namespace atto {

namespace {

// Gradients are added out of place: a gradient tensor may be shared (add's
// backward hands the same tensor to both inputs), so none is ever modified.
void accumulate(Tensor& total, bool& has, const Tensor& grad) {
  total = has ? add(total, grad) : grad;
  has = true;
}

void check_gradient(const Node& node, size_t i, const Tensor& grad) {
  const Node& input = *node.inputs[i];
  if (!(grad.shape() == input.value.shape())) {
    throw_shape_error("backward", "{} returned a gradient of shape {} for input {} of shape {}", node.op,
                      grad.shape(), i, input.value.shape());
  }
  if (anomaly_mode() && !all_finite(grad)) {
    throw AnomalyError(fmt::format("anomaly: backward of {} produced NaN or Inf in the gradient of input {} ({})",
                                   node.describe(), i, input.describe()));
  }
}

// Before any gradient moves: throws when a tensor some op used has been
// written in place since that op ran.
void check_nothing_changed_in_place(const std::vector<std::shared_ptr<Node>>& order) {
  for (const auto& node : order) {
    if (!node->backward) continue;
    for (const Node::Seen& seen : node->seen) {
      const std::uint64_t now = seen.tensor.version();
      if (now == seen.version) continue;
      using Role = Node::Seen::Role;
      const std::string what =
          seen.role == Role::input    ? fmt::format("its input {} ({})", seen.input, node->inputs[seen.input]->describe())
          : seen.role == Role::output ? std::string("its own output")
                                      : fmt::format("its {} {}", seen.name, seen.tensor.shape());
      throw_argument_error("backward", "{} used {}, which was written in place after the op ran (version {}, now "
                           "{}): its gradient would use the new values. Write into a clone(), or run backward "
                           "before changing it", node->describe(), what, seen.version, now);
    }
  }
}

}  // namespace

std::vector<std::shared_ptr<Node>> nodes_in_order(const std::shared_ptr<Node>& root, bool requiring_grad_only) {
  std::vector<std::shared_ptr<Node>> order;
  std::unordered_set<const Node*> visited{root.get()};
  std::vector<std::pair<std::shared_ptr<Node>, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const std::shared_ptr<Node>& input = node->inputs[next++];
      if ((input->requires_grad || !requiring_grad_only) && visited.insert(input.get()).second) {
        stack.emplace_back(input, 0);
      }
    } else {
      order.push_back(std::move(node));
      stack.pop_back();
    }
  }
  return order;
}

void Var::backward(const Tensor& grad, bool retain_graph) const {
  if (!node_->requires_grad) {
    throw_argument_error("backward", "an output of shape {} that does not require grad: no leaf it was computed from "
                         "requires grad, or it was computed under NoGradGuard", node_->value.shape());
  }
  if (!(grad.shape() == node_->value.shape())) {
    throw_shape_error("backward", "gradient of shape {} for an output of shape {}", grad.shape(),
                      node_->value.shape());
  }
  const NoGradGuard no_graph_for_gradients;
  static std::atomic<std::uint64_t> passes{0};
  const std::uint64_t pass = ++passes;
  const std::vector<std::shared_ptr<Node>> order = nodes_in_order(node_, true);
  check_nothing_changed_in_place(order);
  struct Pending {
    Tensor grad;
    bool has = false;
  };
  std::unordered_map<const Node*, Pending> pending;
  pending[node_.get()] = {grad, true};
  // What backward changes is applied once every gradient has been computed:
  // an error on the way (a shape, an anomaly) leaves every leaf's gradient
  // as it was, and, in anomaly mode, the graph whole, so that the call can
  // be made again once the cause is found. Outside anomaly mode each node's
  // saved tensors go as soon as its backward has run, which is what keeps a
  // long graph's backward within the memory of its forward.
  std::vector<std::pair<Node*, Tensor>> finished;
  std::vector<Node*> to_free;
  const auto free_graph = [](Node& node) {
    node.backward = nullptr;
    node.inputs.clear();
    node.seen.clear();
  };
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node& node = **it;
    const auto found = pending.find(&node);
    if (found == pending.end()) continue;  // no gradient flows through here
    const Tensor g = found->second.grad;
    pending.erase(found);
    if (node.is_leaf() || node.retains_grad) finished.emplace_back(&node, g);
    if (node.is_leaf()) continue;
    if (!node.backward) {
      throw_argument_error("backward", "the graph through {} was freed by an earlier backward(); pass "
                           "retain_graph=true to that call to go backward through it again", node.describe());
    }
    std::vector<bool> needs_grad;
    for (const auto& input : node.inputs) needs_grad.push_back(input->requires_grad);
    const Grads grads = node.backward(g, needs_grad);
    if (grads.size() != node.inputs.size()) {
      throw_argument_error("backward", "{} returned {} gradients for {} inputs", node.op, grads.size(),
                           node.inputs.size());
    }
    for (size_t i = 0; i < grads.size(); ++i) {
      if (!needs_grad[i]) continue;
      check_gradient(node, i, grads[i]);
      Pending& target = pending[node.inputs[i].get()];
      accumulate(target.grad, target.has, grads[i]);
    }
    if (retain_graph) continue;
    if (anomaly_mode()) {
      to_free.push_back(&node);
    } else {
      free_graph(node);
    }
  }
  for (auto& [node, g] : finished) {
    if (!node->has_grad) node->picture.grad_first_pass = pass;
    node->picture.grad_last_pass = pass;
    accumulate(node->grad, node->has_grad, g);
    node->picture.grad_written = node->grad.data();
  }
  node_->picture.backward_pass = pass;
  for (Node* node : to_free) free_graph(*node);
}

void Var::backward(bool retain_graph) const {
  if (node_->value.numel() != 1) {
    throw_shape_error("backward", "implicit gradient needs a single-element output, got {}; pass a gradient",
                      node_->value.shape());
  }
  backward(ones(node_->value.shape()), retain_graph);
}

Node::~Node() {
  // Take over the inputs of every node that dies with this one, so each is
  // destroyed with an empty input list and no destructor recurses.
  std::vector<std::shared_ptr<Node>> dying = std::move(inputs);
  while (!dying.empty()) {
    std::shared_ptr<Node> node = std::move(dying.back());
    dying.pop_back();
    if (node.use_count() == 1) {
      for (auto& input : node->inputs) dying.push_back(std::move(input));
      node->inputs.clear();
    }
  }
}

}  // namespace atto
