// Exercise 13, the milestone: tutorial 09's dates, learned by your own
// pieces. Your LSTM cell (exercise 10) reads the source and writes the
// target, your Keras attention (9) looks back from each decoder step at
// every encoder step, your Dense layers (7) make the prediction, and your
// cross-entropy (6) is the loss. The grader builds the encoder and decoder
// and the training loop around them; what remains is the part the article
// left out (tutorial 09, defect 2): turning attention into a prediction.
//
// For each decoder step, with H the LSTM's units and V the vocabulary:
//   context   = keras_attention(decoder_states, encoder_states, scale,
//                               value_mask = source_mask).output       (B, Tt, H)
//   combined  = tanh(attentional([context ; decoder_states]))           (B, Tt, 2H) -> (B, Tt, H)
//   logits    = vocabulary(combined)                                    (B, Tt, V)
// ([a ; b] joins the last axes: concat({a, b}, 2).) This is Luong's
// attentional hidden state: attention's output is combined with what the
// decoder knows and projected onto the vocabulary, so the loss trains it.
// The article returned the attention output itself, which no loss reached.
#pragma once

#include "tutorials/exercises/07_dense.h"
#include "tutorials/exercises/09_keras_attention.h"

namespace atto::exercise {

struct AttentionHead {
  MyDense& attentional;  // 2H -> H
  MyDense& vocabulary;   // H -> V
  Var scale;             // keras_attention's learned scale, shape ()
};

// decoder_states (B, Tt, H), encoder_states (B, Ts, H), source_mask (B, Ts)
// of 1 (token) and 0 (padding) -> logits (B, Tt, V).
Var predict(const AttentionHead& head, const Var& decoder_states, const Var& encoder_states, const Tensor& source_mask);

}  // namespace atto::exercise
