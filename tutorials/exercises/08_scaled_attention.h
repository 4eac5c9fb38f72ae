// Exercise 8: the article's scoring function, fixed (tutorial 04).
//
// The article scores one query against its keys with NumPy on single
// vectors, takes exp of the raw scores, and never scales. Write it as
// every batch of every model needs it:
//   scores  = q k^T / sqrt(d)        q (B, Tq, d), k (B, Tk, d) -> (B, Tq, Tk)
//   weights = softmax(scores)        over the last axis (Tk)
//   output  = weights v              v (B, Tk, dv) -> (B, Tq, dv)
// Batched: one product per example, never a loop over the batch. Stable:
// attograd's softmax takes out each row's maximum (you wrote one in
// exercise 4), so scores of 1000 are fine. Scaled: for random q and k with
// unit variance, q . k has variance d; dividing by sqrt(d) keeps the scores
// near 1 so that softmax does not saturate as d grows.
// Build it from attograd's differentiable ops (matmul with a transpose,
// mul, softmax): the gradients follow.
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

struct AttentionResult {
  Var output;   // (B, Tq, dv)
  Var weights;  // (B, Tq, Tk), each row summing to 1
};

AttentionResult scaled_dot_product(const Var& query, const Var& key, const Var& value);

}  // namespace atto::exercise
