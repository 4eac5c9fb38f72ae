// Exercise 12: splitting features into heads and merging them back
// (tutorial 11).
//
// Multi-head attention runs H attentions side by side, each on its own
// slice of d = F / H features: head h reads features h d ... (h + 1) d - 1.
//   split_heads: (B, T, F) -> (B, H, T, d)     reshape to (B, T, H, d), then move H before T
//   merge_heads: (B, H, T, d) -> (B, T, F)     the inverse: move H back after T, then reshape
// With the heads on their own axis, one batched attention product serves
// all of them at once. F must be a multiple of H: throw a ShapeError naming
// both otherwise. Build both from attograd's ops (reshape, permute) so that
// gradients flow back through them.
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

Var split_heads(const Var& x, Index heads);
Var merge_heads(const Var& x);

}  // namespace atto::exercise
