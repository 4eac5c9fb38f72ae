// record: how an op enters the graph. Every differentiable op computes its
// value with core kernels, then calls
//
//   return record("tanh", y, {x}, [y](const Tensor& g) -> Grads { ... });
//
// with the backward function beside it. When grad mode is off or no input
// requires a gradient, no node is made and the lambda is never stored.
//
// A backward function takes the gradient of the op's output and returns one
// gradient per input, each of that input's shape. It may also take a second
// parameter, `const std::vector<bool>& needs_grad`, to skip the gradients of
// inputs that do not need one (matmul does: each one costs a product).
#pragma once

#include "autograd/grad_mode.h"
#include "autograd/var.h"

#include <initializer_list>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace atto {

namespace detail {
bool any_requires_grad(std::span<const Var> inputs);
Var make_node(std::string op, Tensor value, std::span<const Var> inputs, BackwardFn backward);
// Anomaly mode's forward check: throws when `value` holds NaN or Inf.
void check_forward(const std::string& op, const Tensor& value, std::span<const Var> inputs);
}  // namespace detail

template <class Backward>
Var record(std::string op, Tensor value, std::span<const Var> inputs, Backward backward) {
  if (anomaly_mode()) detail::check_forward(op, value, inputs);
  if (!grad_enabled() || !detail::any_requires_grad(inputs)) return Var(std::move(value));
  if constexpr (std::is_invocable_v<Backward, const Tensor&>) {
    return detail::make_node(std::move(op), std::move(value), inputs,
                             [backward = std::move(backward)](const Tensor& g, const std::vector<bool>&) {
                               return backward(g);
                             });
  } else {
    return detail::make_node(std::move(op), std::move(value), inputs, BackwardFn(std::move(backward)));
  }
}

template <class Backward>
Var record(std::string op, Tensor value, std::initializer_list<Var> inputs, Backward backward) {
  return record(std::move(op), std::move(value), std::span<const Var>(inputs.begin(), inputs.size()),
                std::move(backward));
}

// True when every element is finite (no NaN, no Inf).
bool all_finite(const Tensor& t);

}  // namespace atto
