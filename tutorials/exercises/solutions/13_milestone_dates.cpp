#include "tutorials/exercises/13_milestone_dates.h"

namespace atto::exercise {

Var predict(const AttentionHead& head, const Var& decoder_states, const Var& encoder_states, const Tensor& source_mask) {
  const KerasAttentionResult attended =
      keras_attention(decoder_states, encoder_states, head.scale, {.value_mask = source_mask});
  const Var combined = tanh(head.attentional(concat({attended.output, decoder_states}, 2)));
  return head.vocabulary(combined);
}

}  // namespace atto::exercise
