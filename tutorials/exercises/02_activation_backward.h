// Exercise 2: the backward of tanh and of the logistic sigmoid, written in
// terms of their output y (what the forward already computed):
//
//   y = tanh(x)             dy/dx = 1 - y^2
//   y = 1 / (1 + e^-x)      dy/dx = y (1 - y)
//
// Each function gets y and g = dL/dy, and returns dL/dx = g * dy/dx,
// elementwise. (core/map.h's map applies a function to two tensors.)
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

Tensor tanh_backward(const Tensor& y, const Tensor& g);
Tensor sigmoid_backward(const Tensor& y, const Tensor& g);

}  // namespace atto::exercise
