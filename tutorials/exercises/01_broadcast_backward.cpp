// Exercise 1: write mul_backward (see 01_broadcast_backward.h), then run
// `make exercise 1`.
#include "tutorials/exercises/01_broadcast_backward.h"

namespace atto::exercise {

Grads mul_backward([[maybe_unused]] const Tensor& a, [[maybe_unused]] const Tensor& b,
                   [[maybe_unused]] const Tensor& g) {
  // Your code here: return {gradient for a, gradient for b}.
  throw NotWrittenYet("mul_backward");
}

}  // namespace atto::exercise
