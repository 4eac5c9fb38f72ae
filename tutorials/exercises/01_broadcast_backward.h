// Exercise 1: the backward of an elementwise product, with broadcasting.
//
//   out = a * b     a and b broadcast to out's shape (NumPy's rules: align
//                   the trailing axes; an axis of 1, or a missing one, is
//                   stretched)
//
// Write mul_backward: given g = dL/dout, return {dL/da, dL/db}, each of its
// input's shape. Each element of out depends on one element of a and one of
// b, so dL/da is g * b, elementwise; but an element of a that was stretched
// along an axis fed every element of that axis, and its gradient is the sum
// over them. core/reduce.h's sum_to does that summing.
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

Grads mul_backward(const Tensor& a, const Tensor& b, const Tensor& g);

}  // namespace atto::exercise
