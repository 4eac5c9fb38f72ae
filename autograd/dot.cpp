#include "autograd/dot.h"

#include <fmt/format.h>

#include "core/errors.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace atto {

namespace {

double norm(const Tensor& t) {
  double total = 0;
  for (Index i = 0; i < t.numel(); ++i) total += static_cast<double>(t.data()[i]) * t.data()[i];
  return std::sqrt(total);
}

// Text inside a DOT string: quotes and backslashes escaped.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// How a node's gradient stands to the backward last run from the root.
std::string grad_note(const Node& node, std::uint64_t root_pass) {
  // A gradient put back by other means (not where the pass left it) is not
  // taken for the pass's either.
  if (root_pass == 0 || node.picture.grad_last_pass != root_pass || node.grad.data() != node.picture.grad_written) {
    return " (an earlier backward's)";
  }
  if (node.picture.grad_first_pass != root_pass) return " (with earlier backwards')";
  return "";
}

std::string label(const Node& node, const std::string& name, std::uint64_t root_pass) {
  std::string text = node.is_leaf() ? (name.empty() ? "leaf" : fmt::format("leaf '{}'", escaped(name)))
                                    : (name.empty() ? node.op : fmt::format("{} '{}'", node.op, escaped(name)));
  text += fmt::format("\\n{}", node.value.shape());
  // One number: its value and its signed gradient; more: the gradient's norm.
  if (node.value.numel() == 1) {
    text += fmt::format("\\nvalue = {:.4g}", node.value.item());
    if (node.has_grad) text += fmt::format("\\ngrad = {:.4g}{}", node.grad.item(), grad_note(node, root_pass));
  } else if (node.has_grad) {
    text += fmt::format("\\n|grad| = {:.4g}{}", norm(node.grad), grad_note(node, root_pass));
  }
  return text;
}

}  // namespace

std::string to_dot(const Var& root, const NodeNames& names) {
  std::string out = "digraph attograd {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n";
  // Numbered from the root (n0) down, the order nodes_in_order gives reversed.
  const std::vector<std::shared_ptr<Node>> order = nodes_in_order(root.node());
  std::unordered_map<const Node*, std::size_t> ids;
  for (auto it = order.rbegin(); it != order.rend(); ++it) ids.emplace(it->get(), ids.size());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Node* node = it->get();
    const std::size_t id = ids.at(node);
    const auto named = names.find(node);
    const std::string& name = named != names.end() ? named->second : node->name;
    out += fmt::format("  n{} [label=\"{}\"{}];\n", id, label(*node, name, root.node()->picture.backward_pass),
                       node->is_leaf() ? (node->requires_grad ? ", style=filled, fillcolor=\"#cfe8ff\"" : "")
                                       : ", style=rounded");
    for (const auto& input : node->inputs) {
      out += fmt::format("  n{} -> n{};\n", ids.at(input.get()), id);
    }
  }
  return out + "}\n";
}

void write_dot(const Var& root, const std::string& path, const NodeNames& names) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file) throw IOError(fmt::format("write_dot: cannot open '{}' for writing", path));
  const std::string text = to_dot(root, names);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written) throw IOError(fmt::format("write_dot: failed writing '{}'", path));
}

}  // namespace atto
