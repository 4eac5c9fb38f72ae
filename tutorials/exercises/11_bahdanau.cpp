// Exercise 11: write additive_scores (see 11_bahdanau.h), then run
// `make exercise 11`.
#include "tutorials/exercises/11_bahdanau.h"

namespace atto::exercise {

Var additive_scores([[maybe_unused]] const Var& query, [[maybe_unused]] const Var& key,
                    [[maybe_unused]] const Var& scale) {
  // Your code here: every (query, key) pair through tanh, weighted by scale, summed over features.
  throw NotWrittenYet("additive_scores");
}

}  // namespace atto::exercise
