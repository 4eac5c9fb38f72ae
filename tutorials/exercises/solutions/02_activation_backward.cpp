#include "tutorials/exercises/02_activation_backward.h"

namespace atto::exercise {

Tensor tanh_backward(const Tensor& y, const Tensor& g) {
  return map("tanh_backward", y, g, [](Real yv, Real gv) { return gv * (1 - yv * yv); });
}

Tensor sigmoid_backward(const Tensor& y, const Tensor& g) {
  return map("sigmoid_backward", y, g, [](Real yv, Real gv) { return gv * yv * (1 - yv); });
}

}  // namespace atto::exercise
