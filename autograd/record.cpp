#include "autograd/record.h"

#include <fmt/format.h>

#include <cmath>

namespace atto {

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

Var make_node(std::string op, Tensor value, std::span<const Var> inputs, BackwardFn backward) {
  auto node = std::make_shared<Node>();
  node->value = std::move(value);
  node->requires_grad = true;
  node->op = std::move(op);
  node->inputs.reserve(inputs.size());
  for (const Var& input : inputs) node->inputs.push_back(input.node());
  node->backward = std::move(backward);
  return Var(std::move(node));
}

void check_forward(const std::string& op, const Tensor& value, std::span<const Var> inputs) {
  if (all_finite(value)) return;
  std::string sources;
  int i = 0;
  for (const Var& input : inputs) {
    sources += fmt::format("\n  input {}: {}{}", i++, input.node()->describe(),
                           all_finite(input.value()) ? "" : " (already non-finite)");
  }
  throw AnomalyError(fmt::format("anomaly: forward of {} produced NaN or Inf in its {} output; its inputs:{}", op,
                                 value.shape(), sources));
}

}  // namespace detail

}  // namespace atto
