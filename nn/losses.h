// Loss functions: each returns a scalar Var, the mean over examples.
#pragma once

#include "autograd/ops.h"

namespace atto {

// mean((prediction - target)^2) over every element; 0 for an empty batch
// (PyTorch gives NaN and a warning), as cross_entropy gives 0 when every row
// is ignored: nothing to learn from, and nothing to poison the weights.
[[nodiscard]] Var mse_loss(const Var& prediction, const Tensor& target);

// Cross-entropy from unnormalised scores: logits (N, C) or (N, T, C), targets
// (N) or (N, T) of class indices. Positions whose target is ignore_index
// (padding) are left out of the mean. Targets as Ids are exact at any class
// count; as a Real tensor, refused in float from 2^24 on (core/ids.h).
[[nodiscard]] Var cross_entropy(const Var& logits, const Tensor& targets,
                                  std::optional<Index> ignore_index = std::nullopt);
[[nodiscard]] Var cross_entropy(const Var& logits, const Ids& targets,
                                  std::optional<Index> ignore_index = std::nullopt);

// Binary cross-entropy from logits, targets in [0, 1], computed stably as
//   max(x, 0) - x t + log(1 + exp(-|x|))
// which equals -t log sigmoid(x) - (1 - t) log(1 - sigmoid(x)) without overflow.
// The mean over every element; 0 for an empty batch, as mse_loss.
[[nodiscard]] Var binary_cross_entropy_with_logits(const Var& logits, const Tensor& targets);

}  // namespace atto
