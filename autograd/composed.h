// The fused ops written again from primitives, as a learner would first
// write them. They give the same values; gradients come from the graph
// instead of a hand-derived backward, and the tests check the fused
// backward against these.
#pragma once

#include "autograd/ops.h"

namespace atto {

// exp(x - m) / sum exp(x - m), m the row max (a constant: softmax ignores shifts).
Var softmax_composed(const Var& x);
// x - m - log(sum exp(x - m))
Var log_softmax_composed(const Var& x);
// -sum(log_softmax(logits) * one_hot(targets)) / count
Var softmax_cross_entropy_composed(const Var& logits, const Tensor& targets, Index ignore_index = kNoIgnoreIndex);

// softmax(scale * q k^T + bias) v, with causal as a -inf bias above the diagonal.
Var scaled_dot_product_attention_composed(const Var& q, const Var& k, const Var& v, Real scale, bool causal = false,
                                          const Tensor& bias = Tensor());

}  // namespace atto
