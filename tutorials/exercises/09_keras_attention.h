// Exercise 9: Keras's Attention layer, masks and all (tutorial 05).
//
// keras.layers.Attention(use_scale=True)([query, value], mask=[query_mask,
// value_mask], use_causal_mask=causal), with key = value:
//   scores[b,i,j]  = scale * sum_k query[b,i,k] value[b,j,k]   (a learned scalar, no 1/sqrt(d))
//   scores[b,i,j] -= 1e9  where value_mask[b,j] == 0, or (causal) where j > i
//   weights        = softmax(scores) over j
//   output         = weights value,  then output[b,i,:] = 0 where query_mask[b,i] == 0
// Masks hold 1 (attend) and 0 (padding). Keras subtracts 1e9 rather than
// setting -inf, so a row where every key is masked is still a finite
// distribution, never NaN. An empty Tensor() means "no mask".
// Build it from attograd's ops so that the gradients follow (the masks are
// constants: wrap them in Var(tensor) without requires_grad).
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

struct KerasMasks {
  Tensor query_mask = Tensor();  // (B, Tq) or empty
  Tensor value_mask = Tensor();  // (B, Tv) or empty
  bool causal = false;
};

struct KerasAttentionResult {
  Var output;   // (B, Tq, d)
  Var weights;  // (B, Tq, Tv)
};

// query (B, Tq, d), value (B, Tv, d), scale a scalar Var (shape ()).
KerasAttentionResult keras_attention(const Var& query, const Var& value, const Var& scale, const KerasMasks& masks);

}  // namespace atto::exercise
