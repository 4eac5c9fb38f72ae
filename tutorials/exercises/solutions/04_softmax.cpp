#include "tutorials/exercises/04_softmax.h"

#include <cmath>
#include <limits>

namespace atto::exercise {

Tensor stable_softmax(const Tensor& x) {
  const Tensor top = max(x, -1, true);
  // A row of nothing but -inf: shift by 0 instead, so that e^-inf = 0.
  const Tensor shift = map(top, [](Real m) { return std::isinf(m) && m < 0 ? Real(0) : m; });
  const Tensor e = exp(x - shift);
  const Tensor total = sum(e, -1, true);
  return map("stable_softmax", e, total, [](Real ev, Real t) { return t > 0 ? ev / t : Real(0); });
}

Tensor softmax_backward(const Tensor& y, const Tensor& g) {
  return y * (g - sum(g * y, -1, true));
}

}  // namespace atto::exercise
