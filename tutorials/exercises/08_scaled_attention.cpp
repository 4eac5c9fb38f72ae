// Exercise 8: write scaled_dot_product (see 08_scaled_attention.h), then run
// `make exercise 8`.
#include "tutorials/exercises/08_scaled_attention.h"

namespace atto::exercise {

AttentionResult scaled_dot_product([[maybe_unused]] const Var& query, [[maybe_unused]] const Var& key,
                                   [[maybe_unused]] const Var& value) {
  // Your code here: scores, weights, output, as Vars.
  throw NotWrittenYet("scaled_dot_product");
}

}  // namespace atto::exercise
