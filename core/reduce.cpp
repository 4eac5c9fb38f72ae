#include "core/reduce.h"

#include "core/cpu_kernels.h"
#include "core/errors.h"
#include "core/parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace atto {

namespace {

// Adds n values in 16 interleaved partial sums and then the partials in
// order, at the instruction set's width (core/cpu_kernels.h): fast, and
// always the same order for the same n.
Real sum_lanes(const Real* values, Index n) { return detail::active_vector_math().sum(values, n); }

// NaN-propagating max: once a NaN is seen it stays.
Real max_of(Real a, Real b) { return (a >= b || std::isnan(a)) ? a : b; }

Shape reduced_shape(const Shape& shape, int axis, bool keepdim) {
  return keepdim ? shape.with_axis(axis, 1) : shape.without_axis(axis);
}

// Applies a sequential fold along one axis. For each output (o, i) the
// elements x[o, 0..n, i] are visited in order, so results are deterministic.
// `step(acc, value, k)` folds one element; `finish(acc)` makes the output.
template <class Acc, class Step, class Finish>
Tensor fold_axis(const char* op, const Tensor& x, int axis, bool keepdim, Acc init, Step step, Finish finish) {
  const int a = normalize_axis(op, axis, x.rank());
  const AxisSplit v = split_at_axis(x.shape(), a);
  Tensor out = Tensor::empty(reduced_shape(x.shape(), a, keepdim));
  const Real* in = x.data();
  Real* o = out.data();
  // Work is split over (outer, chunk of inner) so a reduction over axis 0 of
  // a (rows, cols) matrix still spreads its columns over threads: a bias
  // gradient, (640, 256) summed over its rows, is four chunks.
  constexpr Index kChunk = 64;
  const Index chunks = (v.inner + kChunk - 1) / kChunk;
  parallel_for(v.outer * chunks, v.n * std::min(v.inner, kChunk), [&](Index begin, Index end) {
    Acc acc[kChunk];
    for (Index item = begin; item < end; ++item) {
      const Index outer = item / chunks;
      const Index first = (item % chunks) * kChunk;
      const Index width = std::min(kChunk, v.inner - first);
      std::fill_n(acc, width, init);
      for (Index k = 0; k < v.n; ++k) {
        const Real* row = in + (outer * v.n + k) * v.inner + first;
        for (Index i = 0; i < width; ++i) acc[i] = step(acc[i], row[i], k);
      }
      for (Index i = 0; i < width; ++i) o[outer * v.inner + first + i] = finish(acc[i]);
    }
  });
  return out;
}

}  // namespace

Real sum_row(const Real* values, Index n) {
  // Blocks of a fixed size are summed independently (in parallel when the
  // row is long), then the block sums are added in block order.
  constexpr Index kBlock = 16384;
  const Index blocks = (n + kBlock - 1) / kBlock;
  if (blocks <= 1) return sum_lanes(values, n);
  std::vector<Real> partial(blocks);
  parallel_for(blocks, kBlock, [&](Index begin, Index end) {
    for (Index b = begin; b < end; ++b) partial[b] = sum_lanes(values + b * kBlock, std::min(kBlock, n - b * kBlock));
  });
  return sum_lanes(partial.data(), blocks);
}

Tensor sum(const Tensor& x) { return scalar(sum_row(x.data(), x.numel())); }

Tensor mean(const Tensor& x) {
  if (x.numel() == 0) throw_shape_error("mean", "mean of an empty tensor {}", x.shape());
  return scalar(sum_row(x.data(), x.numel()) / static_cast<Real>(x.numel()));
}

Tensor max(const Tensor& x) {
  if (x.numel() == 0) throw_shape_error("max", "max of an empty tensor {}", x.shape());
  Real m = x.data()[0];
  for (Index i = 1; i < x.numel(); ++i) m = max_of(m, x.data()[i]);
  return scalar(m);
}

Tensor sum(const Tensor& x, int axis, bool keepdim) {
  const int a = normalize_axis("sum", axis, x.rank());
  const AxisSplit v = split_at_axis(x.shape(), a);
  if (v.inner == 1) {
    // Reducing contiguous rows: use the vectorised row sum.
    Tensor out = Tensor::empty(reduced_shape(x.shape(), a, keepdim));
    Real* o = out.data();
    parallel_for(v.outer, v.n, [&](Index begin, Index end) {
      for (Index row = begin; row < end; ++row) o[row] = sum_row(x.data() + row * v.n, v.n);
    });
    return out;
  }
  return fold_axis("sum", x, a, keepdim, Real(0), [](Real acc, Real value, Index) { return acc + value; },
                   [](Real acc) { return acc; });
}

Tensor mean(const Tensor& x, int axis, bool keepdim) {
  const Index n = x.shape()[normalize_axis("mean", axis, x.rank())];
  if (n == 0) throw_shape_error("mean", "{} axis {} is empty", x.shape(), axis);
  Tensor total = sum(x, axis, keepdim);
  const Real scale = Real(1) / static_cast<Real>(n);
  Real* t = total.data();
  for (Index i = 0; i < total.numel(); ++i) t[i] *= scale;
  return total;
}

Tensor max(const Tensor& x, int axis, bool keepdim) {
  const int a = normalize_axis("max", axis, x.rank());
  if (x.shape()[a] == 0) throw_shape_error("max", "{} axis {} is empty", x.shape(), axis);
  return fold_axis("max", x, a, keepdim, -std::numeric_limits<Real>::infinity(),
                   [](Real acc, Real value, Index k) { return k == 0 ? value : max_of(acc, value); },
                   [](Real acc) { return acc; });
}

Tensor argmax(const Tensor& x, int axis, bool keepdim) {
  const int a = normalize_axis("argmax", axis, x.rank());
  if (x.shape()[a] == 0) throw_shape_error("argmax", "{} axis {} is empty", x.shape(), axis);
  struct Best {
    Real value;
    Index index;
  };
  return fold_axis(
      "argmax", x, a, keepdim, Best{0, -1},
      [](Best acc, Real value, Index k) {
        const bool better = k == 0 || (!std::isnan(acc.value) && (value > acc.value || std::isnan(value)));
        return better ? Best{value, k} : acc;
      },
      [](Best acc) { return static_cast<Real>(acc.index); });
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (!(broadcast_shapes("sum_to", shape, x.shape()) == x.shape())) {
    throw_shape_error("sum_to", "{} is not a broadcast of {}", x.shape(), shape);
  }
  Tensor out = x;
  while (out.rank() > shape.rank()) out = sum(out, 0);
  for (int axis = 0; axis < shape.rank(); ++axis) {
    if (shape[axis] == 1 && out.shape()[axis] != 1) out = sum(out, axis, true);
  }
  return out;
}

}  // namespace atto
