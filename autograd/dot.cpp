#include "autograd/dot.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include "core/errors.h"
#include <unordered_map>

namespace atto {

namespace {

double norm(const Tensor& t) {
  double total = 0;
  for (Index i = 0; i < t.numel(); ++i) total += static_cast<double>(t.data()[i]) * t.data()[i];
  return std::sqrt(total);
}

std::string label(const Node& node) {
  std::string text = node.is_leaf() ? (node.name.empty() ? "leaf" : fmt::format("leaf '{}'", node.name))
                                    : (node.name.empty() ? node.op : fmt::format("{} '{}'", node.op, node.name));
  text += fmt::format("\\n{}", node.value.shape());
  // One number: its value and its signed gradient; more: the gradient's norm.
  if (node.value.numel() == 1) {
    text += fmt::format("\\nvalue = {:.4g}", node.value.item());
    if (node.has_grad) text += fmt::format("\\ngrad = {:.4g}", node.grad.item());
  } else if (node.has_grad) {
    text += fmt::format("\\n|grad| = {:.4g}", norm(node.grad));
  }
  return text;
}

}  // namespace

std::string to_dot(const Var& root) {
  std::string out = "digraph attograd {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::unordered_map<const Node*, int> ids;
  std::vector<const Node*> stack{root.node().get()};
  ids[root.node().get()] = 0;
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    const int id = ids[node];
    out += fmt::format("  n{} [label=\"{}\"{}];\n", id, label(*node),
                       node->is_leaf() ? (node->requires_grad ? ", style=filled, fillcolor=\"#cfe8ff\"" : "")
                                       : ", style=rounded");
    for (const auto& input : node->inputs) {
      auto [it, added] = ids.emplace(input.get(), static_cast<int>(ids.size()));
      if (added) stack.push_back(input.get());
      out += fmt::format("  n{} -> n{};\n", it->second, id);
    }
  }
  return out + "}\n";
}

void write_dot(const Var& root, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file) throw IOError(fmt::format("write_dot: cannot open '{}' for writing", path));
  const std::string text = to_dot(root);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written) throw IOError(fmt::format("write_dot: failed writing '{}'", path));
}

}  // namespace atto
