#include "tutorials/exercises/05_backward_order.h"

#include <unordered_set>

namespace atto::exercise {

std::vector<Scalar*> topological_order(Scalar& root) {
  // Post-order depth-first search (parents before the node), then reversed.
  std::vector<Scalar*> post_order;
  std::unordered_set<Scalar*> visited{&root};
  std::vector<std::pair<Scalar*, std::size_t>> stack{{&root, 0}};  // (node, next parent to visit)
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->parents.size()) {
      Scalar* parent = node->parents[next++].first.get();
      if (visited.insert(parent).second) stack.push_back({parent, 0});
    } else {
      post_order.push_back(node);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

void backward(Scalar& root) {
  const std::vector<Scalar*> order = topological_order(root);
  for (Scalar* node : order) node->grad = 0;
  root.grad = 1;
  for (Scalar* node : order) {
    for (auto& [parent, local] : node->parents) parent->grad += node->grad * local;
  }
}

}  // namespace atto::exercise
