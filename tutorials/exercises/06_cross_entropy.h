// Exercise 6: cross-entropy straight from logits, and its backward.
//
// For logits z (N, C) and a target class t_n per row:
//   loss = mean over rows n of  -log softmax(z_n)[t_n]
//        = mean over rows n of  logsumexp(z_n) - z_n[t_n]
// where logsumexp(z) = m + log sum_j e^(z_j - m), m = max_j z_j: never
// exp(1000). Rows whose target is ignore_index (padding) are left out of
// the mean; if every row is left out the loss is 0, not 0/0. A target
// outside [0, C) is a bug in the caller's data: throw, naming it.
//
// The backward is the reason every library fuses the two:
//   dloss/dz_n = (softmax(z_n) - onehot(t_n)) / (rows counted)
// and 0 for the rows left out.
#pragma once

#include "tutorials/exercises/exercise.h"

#include <optional>

namespace atto::exercise {

// logits (N, C), targets (N) -> the loss, a tensor of shape ().
Tensor cross_entropy(const Tensor& logits, const Ids& targets, std::optional<Index> ignore_index = std::nullopt);
// dloss/dlogits (N, C).
Tensor cross_entropy_backward(const Tensor& logits, const Ids& targets,
                              std::optional<Index> ignore_index = std::nullopt);

}  // namespace atto::exercise
