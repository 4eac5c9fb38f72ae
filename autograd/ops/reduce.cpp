// sum, mean, max: the backward of a reduction spreads the gradient back over
// the axis it collapsed.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/reduce.h"
#include "core/shape_ops.h"

namespace atto {

namespace {

// The gradient of a reduction over `axis` has the reduced shape; put the
// axis back (as size 1) so it broadcasts against the input.
Tensor with_axis_restored(const Tensor& g, const Shape& input, int axis, bool keepdim) {
  return keepdim ? g : g.reshape(input.with_axis(axis, 1));
}

// 0, 1, ..., n-1 along `axis`, shaped (1, .., n, .., 1) to broadcast against `shape`.
Tensor axis_positions(const Shape& shape, int axis) {
  Shape along;
  for (int i = 0; i < shape.rank(); ++i) along.push_back(i == axis ? shape[axis] : 1);
  return arange(static_cast<Real>(shape[axis])).reshape(along);
}

}  // namespace

// x -> ()
Var sum(const Var& x) {
  return record("sum", atto::sum(x.value()), {x}, [shape = x.shape()](const Tensor& g) -> Grads {
    // out = sum_i x_i  ->  dx_i = g
    return {full(shape, g.item())};
  });
}

// (..., n, ...) -> (..., ...), or (..., 1, ...) with keepdim
Var sum(const Var& x, int axis, bool keepdim) {
  const int a = normalize_axis("sum", axis, x.value().rank());
  return record("sum", atto::sum(x.value(), a, keepdim), {x}, [shape = x.shape(), a, keepdim](const Tensor& g) -> Grads {
    // out[.., ..] = sum_k x[.., k, ..]  ->  dx[.., k, ..] = g[.., ..] for every k
    return {expand(with_axis_restored(g, shape, a, keepdim), shape)};
  });
}

// x -> ()
Var mean(const Var& x) {
  return record("mean", atto::mean(x.value()), {x}, [shape = x.shape()](const Tensor& g) -> Grads {
    // out = sum_i x_i / n  ->  dx_i = g / n
    return {full(shape, g.item() / static_cast<Real>(shape.numel()))};
  });
}

// (..., n, ...) -> (..., ...), or (..., 1, ...) with keepdim
Var mean(const Var& x, int axis, bool keepdim) {
  const int a = normalize_axis("mean", axis, x.value().rank());
  return record("mean", atto::mean(x.value(), a, keepdim), {x}, [shape = x.shape(), a, keepdim](const Tensor& g) -> Grads {
    // out[.., ..] = sum_k x[.., k, ..] / n  ->  dx[.., k, ..] = g[.., ..] / n
    const Real n = static_cast<Real>(shape[a]);
    return {expand(with_axis_restored(g, shape, a, keepdim), shape) / n};
  });
}

// (..., n, ...) -> (..., ...), or (..., 1, ...) with keepdim
Var max(const Var& x, int axis, bool keepdim) {
  const int a = normalize_axis("max", axis, x.value().rank());
  Tensor out = atto::max(x.value(), a, keepdim);  // first: its errors name max, not argmax
  const Tensor first_max = argmax(x.value(), a, true);
  return record("max", out, {x},
                [shape = x.shape(), a, keepdim, first_max](const Tensor& g) -> Grads {
                  // out[.., ..] = x[.., k*, ..], k* the first argmax  ->  dx[.., k*, ..] = g[.., ..], 0 elsewhere
                  const Tensor is_max = equal(first_max, axis_positions(shape, a));
                  return {atto::mul(is_max, with_axis_restored(g, shape, a, keepdim))};
                });
}

}  // namespace atto
