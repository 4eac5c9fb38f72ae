// Exercise 9: write keras_attention (see 09_keras_attention.h), then run
// `make exercise 9`.
#include "tutorials/exercises/09_keras_attention.h"

namespace atto::exercise {

KerasAttentionResult keras_attention([[maybe_unused]] const Var& query, [[maybe_unused]] const Var& value,
                                     [[maybe_unused]] const Var& scale, [[maybe_unused]] const KerasMasks& masks) {
  // Your code here: scores, the -1e9 masks, softmax, the product, the query mask.
  throw NotWrittenYet("keras_attention");
}

}  // namespace atto::exercise
