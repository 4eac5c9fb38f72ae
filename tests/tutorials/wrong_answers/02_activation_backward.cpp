// A deliberately wrong answer to exercise 2, as a learner might write it:
// tanh is right, sigmoid's backward has a stray factor of 2. The grader must
// fail the sigmoid checks, say "2x too large", and draw the Jacobians.
#include "tutorials/exercises/02_activation_backward.h"

namespace atto::exercise {

Tensor tanh_backward(const Tensor& y, const Tensor& g) {
  return map("tanh_backward", y, g, [](Real yv, Real gv) { return gv * (1 - yv * yv); });
}

Tensor sigmoid_backward(const Tensor& y, const Tensor& g) {
  return map("sigmoid_backward", y, g, [](Real yv, Real gv) { return 2 * gv * yv * (1 - yv); });
}

}  // namespace atto::exercise
