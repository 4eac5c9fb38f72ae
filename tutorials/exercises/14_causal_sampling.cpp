// Exercise 14: write the causal mask, causal attention and sampling (see
// 14_causal_sampling.h), then run `make exercise 14`.
#include "tutorials/exercises/14_causal_sampling.h"

namespace atto::exercise {

Tensor causal_mask([[maybe_unused]] Index steps) {
  // Your code here: ones on and below the diagonal.
  throw NotWrittenYet("causal_mask");
}

Var causal_attention([[maybe_unused]] const Var& query, [[maybe_unused]] const Var& key,
                     [[maybe_unused]] const Var& value) {
  // Your code here: scaled scores, the future masked with -inf, softmax, times value.
  throw NotWrittenYet("causal_attention");
}

std::vector<double> next_token_distribution([[maybe_unused]] const Tensor& logits,
                                            [[maybe_unused]] double temperature, [[maybe_unused]] Index top_k) {
  // Your code here: divide by the temperature, keep the top k, softmax over what is kept.
  throw NotWrittenYet("next_token_distribution");
}

Index sample_token([[maybe_unused]] const std::vector<double>& probabilities, [[maybe_unused]] double u) {
  // Your code here: walk the cumulative sum.
  throw NotWrittenYet("sample_token");
}

}  // namespace atto::exercise
