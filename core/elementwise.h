// Elementwise ops. Binary ops broadcast like NumPy: shapes are aligned at the
// last axis and a dimension of 1 (or a missing one) is repeated to match.
#pragma once

#include "core/tensor.h"

namespace atto {

Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);  // 1 / (1 + e^-x), computed without overflow
Tensor relu(const Tensor& x);
Tensor pow(const Tensor& x, Real exponent);

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

// Comparisons give 1 where true and 0 where false.
Tensor equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor less(const Tensor& a, const Tensor& b);

// condition != 0 ? a : b, all three broadcast together.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, Real b);
Tensor operator-(const Tensor& a, Real b);
Tensor operator*(const Tensor& a, Real b);
Tensor operator/(const Tensor& a, Real b);
Tensor operator+(Real a, const Tensor& b);
Tensor operator-(Real a, const Tensor& b);
Tensor operator*(Real a, const Tensor& b);
Tensor operator/(Real a, const Tensor& b);

// True when both have the same shape and every pair of elements satisfies
// |a - b| <= atol + rtol * |b|.
bool allclose(const Tensor& a, const Tensor& b, Real rtol = 1e-5, Real atol = 1e-8);

}  // namespace atto
