#include "tutorials/exercises/11_bahdanau.h"

namespace atto::exercise {

Var additive_scores(const Var& query, const Var& key, const Var& scale) {
  return sum(tanh(unsqueeze(query, 2) + unsqueeze(key, 1)) * scale, -1);
}

}  // namespace atto::exercise
