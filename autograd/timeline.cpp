#include "autograd/timeline.h"

#include "autograd/grad_mode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace atto {

namespace {

// The module path of the nearest scope around a node that has one.
std::string layer_of(const Node& node) {
  for (const ScopeInstance* scope = node.picture.scope.get(); scope; scope = scope->parent.get()) {
    if (!scope->path.empty()) return scope->path;
  }
  return "";
}

// What an activation's values say is stuck: (stuck, looked at).
std::pair<Index, Index> stuck(const std::string& kind, const Tensor& y) {
  const Index n = y.numel(), width = y.rank() > 0 ? y.dim(-1) : 1;
  const Real* v = y.data();
  Index count = 0;
  if (kind == "tanh saturated") {
    for (Index i = 0; i < n; ++i) count += std::abs(v[i]) > Real(0.97) ? 1 : 0;
    return {count, n};
  }
  if (kind == "sigmoid saturated") {
    for (Index i = 0; i < n; ++i) count += v[i] < Real(0.03) || v[i] > Real(0.97) ? 1 : 0;
    return {count, n};
  }
  const Index rows = width > 0 ? n / width : 0;
  if (kind == "relu dead") {
    for (Index c = 0; c < width; ++c) {
      bool dead = true;
      for (Index r = 0; r < rows && dead; ++r) dead = v[r * width + c] == 0;
      count += dead ? 1 : 0;
    }
    return {count, width};
  }
  for (Index r = 0; r < rows; ++r) {  // softmax one-hot
    Real largest = 0;
    for (Index c = 0; c < width; ++c) largest = std::max(largest, v[r * width + c]);
    count += largest > Real(0.9) ? 1 : 0;
  }
  return {count, rows};
}

// The kind of an op's output, or of a fused op's internal by its name
// (autograd/ops/fused/lstm.cpp and attention.cpp name them); "" for others.
std::string kind_of(const std::string& op_or_internal) {
  static const std::map<std::string, std::string> kinds = {
      {"tanh", "tanh saturated"},          {"sigmoid", "sigmoid saturated"},
      {"relu", "relu dead"},               {"softmax", "softmax one-hot"},
      {"input gate i", "sigmoid saturated"}, {"forget gate f", "sigmoid saturated"},
      {"output gate o", "sigmoid saturated"}, {"candidate g", "tanh saturated"},
      {"attention weights", "softmax one-hot"}};
  const auto found = kinds.find(op_or_internal);
  return found == kinds.end() ? "" : found->second;
}

}  // namespace

std::vector<ActivationShare> activation_shares(const Var& root) {
  std::map<std::pair<std::string, std::string>, std::pair<Index, Index>> counted;  // (layer, kind) -> (stuck, all)
  const auto add = [&](const Node& node, const std::string& kind, const Tensor& y) {
    if (kind.empty() || y.numel() == 0) return;
    const auto [found, of] = stuck(kind, y);
    auto& total = counted[{layer_of(node), kind}];
    total.first += found;
    total.second += of;
  };
  for (const std::shared_ptr<Node>& node : nodes_in_order(root.node())) {
    add(*node, kind_of(node->op), node->value);
    if (node->picture.internals) {
      for (const auto& [name, tensor] : node->picture.internals()) add(*node, kind_of(name), tensor);
    }
  }
  std::vector<ActivationShare> shares;
  for (const auto& [where, total] : counted) {
    shares.push_back({where.first, where.second,
                      total.second > 0 ? static_cast<double>(total.first) / static_cast<double>(total.second) : 0,
                      total.second});
  }
  return shares;
}

void Timeline::begin(Index step) {
  if (!snapshots_.empty() && step <= snapshots_.back().step) {
    throw ArgumentError(fmt::format("Timeline '{}': step {} after step {}: steps must increase", title_, step,
                                    snapshots_.back().step));
  }
  Snapshot& snapshot = snapshots_.emplace_back();
  snapshot.step = step;
}

Snapshot& Timeline::latest() {
  if (snapshots_.empty()) throw ArgumentError(fmt::format("Timeline '{}': add_ before the first begin(step)", title_));
  return snapshots_.back();
}

void Timeline::add_scalar(const std::string& name, double value) { latest().scalars.emplace_back(name, value); }

void Timeline::add_parameter(ParameterStep parameter) { latest().parameters.push_back(std::move(parameter)); }

void Timeline::add_map(AttentionMap map) {
  Snapshot& snapshot = latest();
  check_attention_map(map);
  const auto round_all = [](std::vector<Tensor>& tensors) {
    for (Tensor& t : tensors) {
      Tensor rounded = t.clone();
      for (Index i = 0; i < rounded.numel(); ++i) rounded.data()[i] = std::round(rounded.data()[i] * Real(1000)) / Real(1000);
      t = rounded;
    }
  };
  round_all(map.heads);
  round_all(map.queries);
  round_all(map.keys);
  snapshot.maps.push_back(std::move(map));
}

void Timeline::add_graph(const Var& loss, const NodeNames& names) { latest().graph = graph_json(loss, names); }

}  // namespace atto
