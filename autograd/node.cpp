#include "autograd/node.h"

#include <fmt/format.h>

namespace atto {

std::string Node::describe() const {
  if (is_leaf()) return name.empty() ? fmt::format("leaf {}", value.shape()) : fmt::format("leaf '{}' {}", name, value.shape());
  return fmt::format("{} {}", op, value.shape());
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
