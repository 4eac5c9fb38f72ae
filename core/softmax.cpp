#include "core/softmax.h"

#include "core/cpu_kernels.h"
#include "core/errors.h"
#include "core/parallel.h"
#include "core/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace atto {

namespace {

constexpr Real kInf = std::numeric_limits<Real>::infinity();

// The row's maximum comes from the instruction set's kernel
// (core/cpu_kernels.h), NaNs skipped. A NaN anywhere in a row makes the
// whole row NaN anyway (it reaches the sum), so only the rows whose maximum
// is infinite need to look for one (nan_or).

// m, or NaN if the row holds a NaN.
Real nan_or(Real m, const Real* x, Index n) {
  return std::any_of(x, x + n, [](Real v) { return std::isnan(v); }) ? std::numeric_limits<Real>::quiet_NaN() : m;
}

// Calls row_fn(in_row, out_row, cols) for every row along the last axis.
template <class RowFn>
Tensor over_rows(const char* op, const Tensor& x, RowFn row_fn) {
  if (x.rank() == 0) throw_shape_error(op, "needs at least one axis, got a scalar");
  const Index cols = x.shape()[x.rank() - 1];
  Tensor out = Tensor::empty(x.shape());
  if (cols == 0) return out;
  parallel_for(x.numel() / cols, 4 * cols, [&](Index begin, Index end) {
    for (Index row = begin; row < end; ++row) row_fn(x.data() + row * cols, out.data() + row * cols, cols);
  });
  return out;
}

// The +inf case: each +inf entry gets 1/count.
void share_among_infinities(const Real* x, Real* y, Index n) {
  Index count = 0;
  for (Index j = 0; j < n; ++j) count += x[j] == kInf;
  for (Index j = 0; j < n; ++j) y[j] = x[j] == kInf ? Real(1) / static_cast<Real>(count) : Real(0);
}

}  // namespace

Tensor softmax(const Tensor& x) {
  const detail::VectorMathKernel& kernel = detail::active_vector_math();
  return over_rows("softmax", x, [&kernel](const Real* in, Real* out, Index n) {
    Real m = kernel.max(in, n);
    if (std::isinf(m)) m = nan_or(m, in, n);
    if (m == -kInf) {
      for (Index j = 0; j < n; ++j) out[j] = 0;
      return;
    }
    if (m == kInf) return share_among_infinities(in, out, n);
    kernel.exp(in, m, out, n);
    kernel.scale(out, Real(1) / sum_row(out, n), n);
  });
}

Tensor log_softmax(const Tensor& x) {
  const detail::VectorMathKernel& kernel = detail::active_vector_math();
  return over_rows("log_softmax", x, [&kernel](const Real* in, Real* out, Index n) {
    Real m = kernel.max(in, n);
    if (std::isinf(m)) m = nan_or(m, in, n);
    if (m == -kInf) {
      for (Index j = 0; j < n; ++j) out[j] = -kInf;
      return;
    }
    if (m == kInf) {
      share_among_infinities(in, out, n);
      for (Index j = 0; j < n; ++j) out[j] = std::log(out[j]);
      return;
    }
    // out doubles as scratch for exp(x - m) before the final values land.
    kernel.exp(in, m, out, n);
    const Real log_total = std::log(sum_row(out, n));
    for (Index j = 0; j < n; ++j) out[j] = in[j] - m - log_total;
  });
}

}  // namespace atto
