// The learner's cross-entropy (exercise 6) as one op of attograd's graph,
// with the learner's own backward.
#pragma once

#include "tutorials/exercises/06_cross_entropy.h"

namespace atto::exercise {

inline Var your_cross_entropy(const Var& logits, const Ids& targets, std::optional<Index> ignore_index = std::nullopt) {
  return record("your_cross_entropy", "loss = your cross_entropy(z, t)  ->  dz = your cross_entropy_backward(z, t) * g",
                cross_entropy(logits.value(), targets, ignore_index), {logits},
                [z = logits.value(), targets, ignore_index](const Tensor& g) {
                  return Grads{cross_entropy_backward(z, targets, ignore_index) * g.item()};
                });
}

}  // namespace atto::exercise
