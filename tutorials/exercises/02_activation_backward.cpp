// Exercise 2: write tanh_backward and sigmoid_backward (see
// 02_activation_backward.h), then run `make exercise 2`.
#include "tutorials/exercises/02_activation_backward.h"

namespace atto::exercise {

Tensor tanh_backward([[maybe_unused]] const Tensor& y, [[maybe_unused]] const Tensor& g) {
  // Your code here: dL/dx for y = tanh(x).
  throw NotWrittenYet("tanh_backward");
}

Tensor sigmoid_backward([[maybe_unused]] const Tensor& y, [[maybe_unused]] const Tensor& g) {
  // Your code here: dL/dx for y = sigmoid(x).
  throw NotWrittenYet("sigmoid_backward");
}

}  // namespace atto::exercise
