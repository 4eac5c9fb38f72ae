// The encoder-decoder of tutorials 08, 09 and 12: an LSTM (or any
// SequenceLayer, see sequence_layer.h) reads the source, another writes the
// target, and (with attention on) every decoder step looks back at every
// encoder step.
//
// This is the article's section 2.2.1 example, corrected:
//  * The encoder returns its whole output sequence *and* its final (h, c).
//    The article's encoder returned one vector per example, which leaves
//    attention nothing to align to.
//  * The decoder starts from the encoder's final state and is fed the
//    previous target token (teacher forcing in training, its own prediction
//    when translating).
//  * Attention(use_scale=true) scores each decoder output against each
//    encoder output (Luong's dot score, with a learned scale) and returns a
//    context vector per decoder step.
//  * The context is concatenated with the decoder output and passed through
//    Dense(tanh) (Luong's attentional hidden state), then Dense to the target
//    vocabulary; cross-entropy on those logits trains the whole model. The
//    article returned the attention output itself and never trained it.
// Without attention, the decoder output goes straight to the vocabulary
// layer: all the decoder knows about the source is the encoder's final
// state, a fixed-size bottleneck.
#pragma once

#include "nn/attention.h"
#include "nn/layers.h"
#include "nn/sequence_layer.h"

#include <memory>

namespace atto {

struct TranslatorConfig {
  Index source_vocab = 0, target_vocab = 0;
  Index embedding = 32, hidden = 64;
  bool attention = true;
  // The decoder starts from the encoder's final (h, c), as in the article; off,
  // it starts from zeros and learns about the source only through attention.
  bool decoder_starts_from_encoder = true;
  // The encoder's and the decoder's recurrent layer.
  SequenceLayerFactory recurrent = lstm_layers();
};

class Translator : public Module {
 public:
  Translator(const TranslatorConfig& config, Generator& gen);
  std::string type_name() const override { return config_.attention ? "AttentionTranslator" : "Translator"; }
  const TranslatorConfig& config() const { return config_; }

  // Training with teacher forcing: source (B, Ts) and decoder_input (B, Tt),
  // token ids, the latter starting with <start> -> logits (B, Tt, V). With
  // `alignment` (and attention on), the attention weights (B, Tt, Ts) land there.
  Var forward(const Tensor& source, const Tensor& decoder_input, Var* alignment = nullptr);

  struct Output {
    Tensor tokens;     // (B, steps): predicted ids, <end> and anything after it to be ignored
    Tensor alignment;  // (B, steps, Ts): attention weights per output step; empty without attention
  };
  // Greedy decoding: each step feeds back the most likely token.
  Output translate(const Tensor& source, Index max_steps);

 private:
  struct Encoded {
    Var outputs;                 // (B, Ts, H)
    SequenceLayer::State state;  // after the last real token: an LSTM's (h, c), each (B, H)
    Tensor mask;      // (B, Ts): 1 at real tokens
  };
  Encoded encode(const Tensor& source);
  SequenceLayer::State initial_decoder_state(const Encoded& encoded) const;
  // Decoder outputs (B, T, H) -> logits (B, T, V); the weights land in *alignment.
  Var predict(const Var& decoder_outputs, const Encoded& encoded, Var* alignment);

  TranslatorConfig config_;
  Embedding source_embedding_, target_embedding_;
  std::unique_ptr<SequenceLayer> encoder_, decoder_;
  std::unique_ptr<Attention> attention_;
  std::unique_ptr<Dense> attentional_;  // [context ; decoder output] -> tanh, H
  Dense vocabulary_;
};

}  // namespace atto
