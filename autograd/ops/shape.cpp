// reshape, permute, slice, concat, expand: moving elements around. Each
// backward moves the gradient back to where the element came from.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/errors.h"
#include "core/reduce.h"
#include "core/shape_ops.h"

#include <array>

namespace atto {

// x -> shape (same number of elements)
Var reshape(const Var& x, const Shape& shape) {
  return record("reshape", x.value().reshape(shape), {x}, [from = x.shape()](const Tensor& g) -> Grads {
    // out = x viewed as `shape`  ->  dx = g viewed as x's shape
    return {g.reshape(from)};
  });
}

Var permute(const Var& x, std::initializer_list<int> axes) {
  return permute(x, std::span<const int>(axes.begin(), axes.size()));
}

// x -> (x.shape[axes[0]], x.shape[axes[1]], ...)
Var permute(const Var& x, std::span<const int> axes) {
  Tensor out = atto::permute(x.value(), axes);
  std::array<int, kMaxRank> inverse{};
  for (int i = 0; i < x.value().rank(); ++i) inverse[normalize_axis("permute", axes[i], x.value().rank())] = i;
  return record("permute", out, {x}, [inverse, rank = x.value().rank()](const Tensor& g) -> Grads {
    // out axis i = x axis axes[i]  ->  dx = g permuted by the inverse
    return {atto::permute(g, std::span<const int>(inverse.data(), rank))};
  });
}

Var transpose(const Var& x, int axis0, int axis1) {
  const int rank = x.value().rank();
  std::array<int, kMaxRank> axes{};
  for (int i = 0; i < rank; ++i) axes[i] = i;
  std::swap(axes[normalize_axis("transpose", axis0, rank)], axes[normalize_axis("transpose", axis1, rank)]);
  return permute(x, std::span<const int>(axes.data(), rank));
}

// (.., n, ..) -> (.., count, ..), the elements start, start+step, ... below stop
Var slice(const Var& x, int axis, Index start, Index stop, Index step) {
  return record("slice", atto::slice(x.value(), axis, start, stop, step), {x},
                [shape = x.shape(), axis, start, stop, step](const Tensor& g) -> Grads {
                  // out = x[.., start:stop:step, ..]  ->  dx = zeros with g at those positions
                  return {unslice(g, shape, axis, start, stop, step)};
                });
}

Var concat(std::initializer_list<Var> parts, int axis) {
  return concat(std::span<const Var>(parts.begin(), parts.size()), axis);
}

// (.., n_i, ..) for each part -> (.., sum n_i, ..)
Var concat(std::span<const Var> parts, int axis) {
  std::vector<Tensor> values;
  std::vector<Index> sizes;
  for (const Var& part : parts) values.push_back(part.value());
  Tensor out = atto::concat(values, axis);
  const int a = normalize_axis("concat", axis, out.rank());
  for (const Var& part : parts) sizes.push_back(part.shape()[a]);
  return record("concat", out, parts, [sizes, a](const Tensor& g) -> Grads {
    // out = [x_0 | x_1 | ...] along axis  ->  dx_i = the i-th piece of g
    return split(g, a, sizes);
  });
}

// x -> shape (NumPy broadcasting)
Var expand(const Var& x, const Shape& shape) {
  return record("expand", atto::expand(x.value(), shape), {x}, [from = x.shape()](const Tensor& g) -> Grads {
    // out = x repeated along broadcast dims  ->  dx = g summed over them
    return {sum_to(g, from)};
  });
}

Var unsqueeze(const Var& x, int axis) { return reshape(x, atto::unsqueeze(x.value(), axis).shape()); }
Var squeeze(const Var& x, int axis) { return reshape(x, atto::squeeze(x.value(), axis).shape()); }

}  // namespace atto
