#include "nn/translator.h"

#include "core/core.h"
#include "nn/text.h"

namespace atto {

Translator::Translator(const TranslatorConfig& config, Generator& gen)
    : config_(config),
      source_embedding_(config.source_vocab, config.embedding, Vocabulary::kPad, gen),
      target_embedding_(config.target_vocab, config.embedding, Vocabulary::kPad, gen),
      encoder_(config.recurrent(config.embedding, config.hidden, gen)),
      decoder_(config.recurrent(config.embedding, config.hidden, gen)),
      vocabulary_(config.hidden, {.units = config.target_vocab}, gen) {
  register_module("source_embedding", source_embedding_);
  register_module("target_embedding", target_embedding_);
  register_module("encoder", *encoder_);
  register_module("decoder", *decoder_);
  if (config.attention) {
    attention_ = std::make_unique<Attention>(AttentionOptions{.use_scale = true});
    attentional_ = std::make_unique<Dense>(2 * config.hidden, DenseOptions{.units = config.hidden, .activation = Activation::tanh}, gen);
    register_module("attention", *attention_);
    register_module("attentional", *attentional_);
  }
  register_module("vocabulary", vocabulary_);
}

Translator::Encoded Translator::encode(const Tensor& source) {
  // The mask makes the encoder skip padding (its final state is the state at
  // the last real token) and keeps attention off the padding.
  const Tensor mask = padding_mask(source);
  const SequenceLayer::Result encoded = encoder_->run(source_embedding_(source), {}, mask);
  return {encoded.outputs, encoded.state, mask};
}

SequenceLayer::State Translator::initial_decoder_state(const Encoded& encoded) const {
  if (config_.decoder_starts_from_encoder) return encoded.state;
  return decoder_->zero_state(encoded.outputs.shape()[0]);
}

Var Translator::predict(const Var& decoder_outputs, const Encoded& encoded, Var* alignment) {
  if (!attention_) return vocabulary_(decoder_outputs);
  const auto [context, weights] = (*attention_)(decoder_outputs, encoded.outputs, {.value_mask = encoded.mask});
  if (alignment) *alignment = weights;
  return vocabulary_((*attentional_)(concat({context, decoder_outputs}, -1)));
}

Var Translator::forward(const Tensor& source, const Tensor& decoder_input, Var* alignment) {
  // Scopes name the three parts in a picture of the graph.
  const Encoded encoded = [&] {
    const GraphScope scope("encoder");
    return encode(source);
  }();
  const SequenceLayer::Result decoded = [&] {
    const GraphScope scope("decoder");
    return decoder_->run(target_embedding_(decoder_input), initial_decoder_state(encoded), Tensor());
  }();
  const GraphScope scope(attention_ ? "attention and output" : "output");
  return predict(decoded.outputs, encoded, alignment);
}

Translator::Output Translator::translate(const Tensor& source, Index max_steps) {
  const NoGradGuard no_graph;
  const Index batch = source.dim(0);
  const Encoded encoded = encode(source);
  SequenceLayer::State state = initial_decoder_state(encoded);
  Tensor previous = full({batch, 1}, static_cast<Real>(Vocabulary::kStart));
  std::vector<Tensor> tokens, weights;
  for (Index step = 0; step < max_steps; ++step) {
    const SequenceLayer::Result decoded = decoder_->run(target_embedding_(previous), state, Tensor());
    state = decoded.state;
    Var alignment;
    const Var logits = predict(decoded.outputs, encoded, &alignment);  // (B, 1, V)
    previous = argmax(logits.value(), -1);                            // (B, 1)
    tokens.push_back(previous);
    if (attention_) weights.push_back(alignment.value());
  }
  return {concat(tokens, 1), attention_ ? concat(weights, 1) : Tensor()};
}

}  // namespace atto
