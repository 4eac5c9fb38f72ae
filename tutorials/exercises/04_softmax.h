// Exercise 4: a softmax that never overflows, and its backward.
//
//   softmax(x)_i = e^x_i / sum_j e^x_j      over the last axis, row by row
//
// e^x overflows for x above about 709 (in double): e^1000 is inf, and
// inf / inf is NaN. Subtracting the row's maximum m first changes nothing
// mathematically (the e^-m cancels) and keeps every exponent <= 0. A row of
// nothing but -inf (a fully masked row) must give zeros, not NaN.
//
// The backward, from the output y and g = dL/dy, row by row:
//   dL/dx_i = y_i (g_i - sum_j g_j y_j)
// (the Jacobian dy_i/dx_j = y_i (delta_ij - y_j), applied to g).
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

Tensor stable_softmax(const Tensor& x);
Tensor softmax_backward(const Tensor& y, const Tensor& g);

}  // namespace atto::exercise
