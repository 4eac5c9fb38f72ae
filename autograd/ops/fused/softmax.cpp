// softmax and log_softmax over the last axis, fused: one kernel forward
// (core/softmax.cpp) and one row-wise pass backward. Their composed twins
// (autograd/composed.cpp) check these gradients.
#include "autograd/ops.h"
#include "autograd/var.h"
#include "core/parallel.h"
#include "core/scalar_math.h"
#include "core/softmax.h"

#include <cmath>

namespace atto {

namespace {

// Calls row(y_row, g_row, dx_row, n) for every row along the last axis.
template <class Row>
Tensor over_rows(const Tensor& y, const Tensor& g, Row row) {
  Tensor dx = Tensor::empty(y.shape());
  const Index n = y.shape()[y.rank() - 1];  // the forward refused scalars
  if (n == 0) return dx;
  parallel_for(y.numel() / n, 4 * n, [&](Index begin, Index end) {
    for (Index r = begin; r < end; ++r) row(y.data() + r * n, g.data() + r * n, dx.data() + r * n, n);
  });
  return dx;
}

}  // namespace

// (..., n) -> (..., n)
Var softmax(const Var& x) {
  Tensor y = atto::softmax(x.value());
  return record("softmax", "y_j = exp(x_j) / sum_k exp(x_k)  ->  dx_j = y_j * (g_j - sum_k g_k y_k)",
                y, {x}, [y](const Tensor& g) -> Grads {
                  return {over_rows(y, g, [](const Real* yr, const Real* gr, Real* dx, Index n) {
                    Real dot = 0;
                    for (Index k = 0; k < n; ++k) dot += gr[k] * yr[k];
                    for (Index j = 0; j < n; ++j) dx[j] = yr[j] * (gr[j] - dot);
                  })};
                });
}

// (..., n) -> (..., n)
Var log_softmax(const Var& x) {
  Tensor y = atto::log_softmax(x.value());
  return record("log_softmax", "y_j = x_j - log sum_k exp(x_k)  ->  dx_j = g_j - exp(y_j) * sum_k g_k",
                y, {x}, [y](const Tensor& g) -> Grads {
                  return {over_rows(y, g, [](const Real* yr, const Real* gr, Real* dx, Index n) {
                    Real total = 0;
                    for (Index k = 0; k < n; ++k) total += gr[k];
                    for (Index j = 0; j < n; ++j) dx[j] = gr[j] - exp_of(yr[j]) * total;
                  })};
                });
}

}  // namespace atto
