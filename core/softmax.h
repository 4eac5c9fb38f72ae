// Softmax and log-softmax over the last axis, computed stably.
//
// Each row has its maximum m subtracted before exponentiating:
//   softmax(x)_j = exp(x_j - m) / sum_k exp(x_k - m)
// which is the same function but can never overflow. Edge cases, defined so
// that no NaN appears unless the input holds one:
//  * a row that is entirely -inf (every choice masked out) has no probability
//    mass to share: softmax gives 0 everywhere and log-softmax -inf;
//  * a row holding +inf shares the mass equally among its +inf entries.
#pragma once

#include "core/tensor.h"

namespace atto {

[[nodiscard]] Tensor softmax(const Tensor& x);
[[nodiscard]] Tensor log_softmax(const Tensor& x);

}  // namespace atto
