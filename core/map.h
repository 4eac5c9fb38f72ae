// map: apply a scalar function to every element, or to every pair of
// elements of two tensors under NumPy broadcasting.
//
// Every elementwise op in core is one line on top of these templates, and so
// is every elementwise backward in autograd (e.g. tanh's g * (1 - y*y)).
#pragma once

#include "core/errors.h"
#include "core/parallel.h"
#include "core/tensor.h"

#include <array>
#include <string_view>

namespace atto {

template <class F>
[[nodiscard]] Tensor map(const Tensor& x, F f) {
  Tensor out = Tensor::empty(x.shape());
  const Real* in = x.data();
  Real* o = out.data();
  parallel_for(x.numel(), 1, [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) o[i] = f(in[i]);
  });
  return out;
}

// out[i] = f(a[i], b[i]) with a and b broadcast to a common shape. `op` names
// the caller in shape errors.
template <class F>
[[nodiscard]] Tensor map(std::string_view op, const Tensor& a, const Tensor& b, F f) {
  const Shape shape = a.shape() == b.shape() ? a.shape() : broadcast_shapes(op, a.shape(), b.shape());
  Tensor out = Tensor::empty(shape);
  const Real* pa = a.data();
  const Real* pb = b.data();
  Real* o = out.data();
  const Index n = out.numel();
  if (a.shape() == b.shape()) {
    parallel_for(n, 1, [&](Index begin, Index end) {
      for (Index i = begin; i < end; ++i) o[i] = f(pa[i], pb[i]);
    });
    return out;
  }
  if (b.numel() == 1 && a.numel() == n) {
    const Real vb = pb[0];
    parallel_for(n, 1, [&](Index begin, Index end) {
      for (Index i = begin; i < end; ++i) o[i] = f(pa[i], vb);
    });
    return out;
  }
  if (a.numel() == 1 && b.numel() == n) {
    const Real va = pa[0];
    parallel_for(n, 1, [&](Index begin, Index end) {
      for (Index i = begin; i < end; ++i) o[i] = f(va, pb[i]);
    });
    return out;
  }
  // General case: walk the output row by row (rows along the last axis); each
  // operand steps along a row with stride 1, or 0 where it is broadcast.
  const int rank = shape.rank();
  const auto sa = broadcast_strides(a.shape(), rank);
  const auto sb = broadcast_strides(b.shape(), rank);
  const Index cols = shape[rank - 1];
  const Index rows = cols == 0 ? 0 : n / cols;
  parallel_for(rows, cols, [&](Index begin, Index end) {
    RowOffsets offset_a(begin, shape, sa), offset_b(begin, shape, sb);
    for (Index row = begin; row < end; ++row, ++offset_a, ++offset_b) {
      const Real* ra = pa + *offset_a;
      const Real* rb = pb + *offset_b;
      Real* ro = o + row * cols;
      const Index step_a = sa[rank - 1], step_b = sb[rank - 1];
      // Unit steps spelled out, so that the common rows (a bias added to
      // each row of a batch) compile to vector code.
      if (step_a == 1 && step_b == 1) {
        for (Index j = 0; j < cols; ++j) ro[j] = f(ra[j], rb[j]);
      } else {
        for (Index j = 0; j < cols; ++j) ro[j] = f(ra[j * step_a], rb[j * step_b]);
      }
    }
  });
  return out;
}

}  // namespace atto
