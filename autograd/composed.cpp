#include "autograd/composed.h"

#include "core/errors.h"
#include "core/reduce.h"

#include <limits>

namespace atto {

namespace {

// The row maximum as a constant, so the shift does not enter the graph.
Var row_max(const Var& x) { return Var(atto::max(x.value(), -1, true)); }

}  // namespace

Var softmax_composed(const Var& x) {
  const Var e = exp(x - row_max(x));
  return e / sum(e, -1, true);
}

Var log_softmax_composed(const Var& x) {
  const Var shifted = x - row_max(x);
  return shifted - log(sum(exp(shifted), -1, true));
}

Var softmax_cross_entropy_composed(const Var& logits, const Tensor& targets, Index ignore_index) {
  const Index rows = logits.shape()[0];
  Tensor one_hot = zeros(logits.shape());
  Index counted = 0;
  for (Index r = 0; r < rows; ++r) {
    const Real t = targets.data()[r];
    if (t == static_cast<Real>(ignore_index)) continue;
    one_hot.at({r, static_cast<Index>(t)}) = 1;
    ++counted;
  }
  const Real scale = counted > 0 ? Real(1) / static_cast<Real>(counted) : Real(0);
  return sum(log_softmax_composed(logits) * Var(one_hot)) * (-scale);
}

Var scaled_dot_product_attention_composed(const Var& q, const Var& k, const Var& v, Real scale, bool causal,
                                          const Tensor& bias) {
  Var scores = matmul(q, k, false, true) * scale;
  if (bias.numel() > 0) scores = scores + Var(bias);
  if (causal) {
    const Index tq = scores.shape()[scores.value().rank() - 2], tv = scores.shape()[scores.value().rank() - 1];
    Tensor above = zeros({tq, tv});
    for (Index i = 0; i < tq; ++i)
      for (Index j = i + 1; j < tv; ++j) above.at({i, j}) = 1;
    scores = masked_fill(scores, above, -std::numeric_limits<Real>::infinity());
  }
  return matmul(softmax(scores), v);
}

}  // namespace atto
