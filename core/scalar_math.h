// tanh and the logistic sigmoid of one number, shared by the elementwise
// kernels and the fused ops (the LSTM cell) so that both compute the same bits.
#pragma once

#include "core/real.h"

#include <cmath>
#include <type_traits>

namespace atto {

// In float, tanh(x) = 1 - 2 / (exp(2x) + 1) evaluated in double: within one
// float ulp of the true value (the cancellation near 0 happens at double
// precision) and about twice as fast as glibc's tanhf, which goes through
// expm1f. Large |x| saturates cleanly: exp overflows to inf and gives 1, or
// underflows to 0 and gives -1. In double, the library's tanh.
inline Real tanh_of(Real x) {
  if constexpr (std::is_same_v<Real, float>) {
    const double e = std::exp(2.0 * static_cast<double>(x));
    return static_cast<Real>(1.0 - 2.0 / (e + 1.0));
  } else {
    return std::tanh(x);
  }
}

// 1 / (1 + exp(-x)), written so that exp never overflows.
inline Real sigmoid_of(Real x) {
  if (x >= 0) return Real(1) / (Real(1) + std::exp(-x));
  const Real e = std::exp(x);
  return e / (Real(1) + e);
}

}  // namespace atto
