#include "tutorials/exercises/09_keras_attention.h"

namespace atto::exercise {

KerasAttentionResult keras_attention(const Var& query, const Var& value, const Var& scale, const KerasMasks& masks) {
  const Index batch = query.shape()[0], tq = query.shape()[1], tv = value.shape()[1];
  Var scores = matmul(query, value, Transpose::b) * scale;  // (B, Tq, Tv)
  if (masks.value_mask.numel() > 0 || masks.causal) {
    Tensor penalty = zeros({batch, tq, tv});
    for (Index b = 0; b < batch; ++b)
      for (Index i = 0; i < tq; ++i)
        for (Index j = 0; j < tv; ++j) {
          const bool hidden = (masks.value_mask.numel() > 0 && masks.value_mask.at({b, j}) == 0) || (masks.causal && j > i);
          if (hidden) penalty.at({b, i, j}) = -1e9;
        }
    scores = scores + Var(penalty);
  }
  const Var weights = softmax(scores);
  Var output = matmul(weights, value);
  if (masks.query_mask.numel() > 0) output = output * Var(masks.query_mask.reshape({batch, tq, 1}));
  return {output, weights};
}

}  // namespace atto::exercise
