// Exercise 14: what makes a GPT write (tutorial 14).
//
// A decoder-only model predicts each character from the ones before it. Two
// pieces make that honest and then useful:
//
// The causal mask. In training every position predicts its next character
// at once, so position i must not see positions after it (it would read the
// answer):
//   mask[i][j] = 1 when j <= i (query i may look at key j), 0 when j > i
//   scores = q k^T / sqrt(d); scores[i][j] = -inf where mask[i][j] = 0
//   output = softmax(scores) v                 q, k (B, T, d), v (B, T, dv)
// Row 0 sees only itself, so no row is ever fully masked.
//
// Sampling. The model gives logits over the vocabulary for the next token.
//   temperature t > 0: p = softmax(logits / t); t < 1 sharpens, t > 1 flattens
//   top-k (k >= 1): keep the k largest logits (ties: the lower index first),
//   give every other token probability 0, renormalise; k = 0 keeps them all
// and a token is drawn from p with a uniform number u in [0, 1): the first
// token whose cumulative probability exceeds u (a token of probability 0 is
// never drawn).
#pragma once

#include "tutorials/exercises/exercise.h"

#include <vector>

namespace atto::exercise {

// (steps, steps): 1 where query i may look at key j (j <= i), else 0.
Tensor causal_mask(Index steps);

// Scaled dot-product self-attention that no position can see its future
// through, built from differentiable ops (matmul, mul, masked_fill,
// softmax) so that the gradients follow.
Var causal_attention(const Var& query, const Var& key, const Var& value);

// The next token's distribution from its logits (V): temperature, then
// top-k (0 keeps every token). A temperature that is not above 0 throws.
std::vector<double> next_token_distribution(const Tensor& logits, double temperature, Index top_k);

// The token that u in [0, 1) picks from probabilities that sum to 1.
Index sample_token(const std::vector<double>& probabilities, double u);

}  // namespace atto::exercise
