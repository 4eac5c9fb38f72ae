// Exercise 3: write matmul_backward (see 03_matmul_backward.h), then run
// `make exercise 3`.
#include "tutorials/exercises/03_matmul_backward.h"

namespace atto::exercise {

Grads matmul_backward([[maybe_unused]] const Tensor& a, [[maybe_unused]] const Tensor& b,
                      [[maybe_unused]] const Tensor& g) {
  // Your code here: return {dL/da, dL/db}.
  throw NotWrittenYet("matmul_backward");
}

}  // namespace atto::exercise
