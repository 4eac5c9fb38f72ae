// Elementwise ops. Binary ops broadcast like NumPy: shapes are aligned at the
// last axis and a dimension of 1 (or a missing one) is repeated to match.
#pragma once

#include "core/tensor.h"

namespace atto {

[[nodiscard]] Tensor neg(const Tensor& x);
[[nodiscard]] Tensor exp(const Tensor& x);
[[nodiscard]] Tensor log(const Tensor& x);
[[nodiscard]] Tensor sqrt(const Tensor& x);
[[nodiscard]] Tensor abs(const Tensor& x);
[[nodiscard]] Tensor tanh(const Tensor& x);
[[nodiscard]] Tensor sigmoid(const Tensor& x);  // 1 / (1 + e^-x), computed without overflow
[[nodiscard]] Tensor relu(const Tensor& x);
[[nodiscard]] Tensor pow(const Tensor& x, Real exponent);

[[nodiscard]] Tensor add(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor sub(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor mul(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor div(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor maximum(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor minimum(const Tensor& a, const Tensor& b);

// Comparisons give 1 where true and 0 where false.
[[nodiscard]] Tensor equal(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor greater(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor less(const Tensor& a, const Tensor& b);

// condition != 0 ? a : b, all three broadcast together.
[[nodiscard]] Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

[[nodiscard]] Tensor operator-(const Tensor& x);
[[nodiscard]] Tensor operator+(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator-(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator*(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator/(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator+(const Tensor& a, Real b);
[[nodiscard]] Tensor operator-(const Tensor& a, Real b);
[[nodiscard]] Tensor operator*(const Tensor& a, Real b);
[[nodiscard]] Tensor operator/(const Tensor& a, Real b);
[[nodiscard]] Tensor operator+(Real a, const Tensor& b);
[[nodiscard]] Tensor operator-(Real a, const Tensor& b);
[[nodiscard]] Tensor operator*(Real a, const Tensor& b);
[[nodiscard]] Tensor operator/(Real a, const Tensor& b);

// True when both have the same shape and every pair of elements satisfies
// |a - b| <= atol + rtol * |b|.
[[nodiscard]] bool allclose(const Tensor& a, const Tensor& b, Real rtol = 1e-5, Real atol = 1e-8);

}  // namespace atto
