#include "tutorials/exercises/03_matmul_backward.h"

namespace atto::exercise {

Grads matmul_backward(const Tensor& a, const Tensor& b, const Tensor& g) {
  return {matmul(g, b, Transpose::b), matmul(a, g, Transpose::a)};
}

}  // namespace atto::exercise
