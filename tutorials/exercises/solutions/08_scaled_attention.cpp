#include "tutorials/exercises/08_scaled_attention.h"

#include <cmath>

namespace atto::exercise {

AttentionResult scaled_dot_product(const Var& query, const Var& key, const Var& value) {
  const Real scale = 1 / std::sqrt(static_cast<Real>(query.shape()[query.value().rank() - 1]));
  const Var weights = softmax(matmul(query, key, Transpose::b) * scale);
  return {matmul(weights, value), weights};
}

}  // namespace atto::exercise
