// Tutorial 13's model: an encoder-decoder Transformer translator stacked
// from nn/transformer.h's layers, beside the tutorial's story.
#pragma once

#include "nn/nn.h"
#include "tutorials/common/translation_task.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace atto::tutorial {

constexpr Index kLongest = 64;  // positions the encoding is computed for

// ## The model
//
// Embeddings (scaled by sqrt(d_model), as in the paper, so that they are not
// drowned by the encoding, whose entries are as large as 1) plus the
// positional encoding; a stack of pre-norm encoder layers over the source; a
// stack of pre-norm decoder layers over the target so far, each looking at
// the encoder's output through cross-attention; a final LayerNorm on each
// side (pre-norm stacks end unnormalised) and a Dense layer onto the
// vocabulary.
struct TransformerConfig {
  Index source_vocab = 0, target_vocab = 0;
  Index d_model = 48, num_heads = 4, feedforward = 96, layers = 1;
  bool positions = true;  // off: the ablation, attention over a set
};

class TransformerTranslator : public Module, public Seq2Seq {
 public:
  TransformerTranslator(const TransformerConfig& config, Generator& gen)
      : config_(config),
        source_embedding_(config.source_vocab, config.d_model, Vocabulary::kPad, gen),
        target_embedding_(config.target_vocab, config.d_model, Vocabulary::kPad, gen),
        encoder_norm_(config.d_model),
        decoder_norm_(config.d_model),
        vocabulary_(config.d_model, {.units = config.target_vocab}, gen),
        encoding_(positional_encoding(kLongest, config.d_model)) {
    const TransformerOptions block{.features = config.d_model, .num_heads = config.num_heads,
                                   .intermediate_dim = config.feedforward};
    register_module("source_embedding", source_embedding_);
    register_module("target_embedding", target_embedding_);
    for (Index l = 0; l < config.layers; ++l) {
      encoders_.push_back(std::make_unique<TransformerEncoderLayer>(block, gen));
      register_module(fmt::format("encoder{}", l), *encoders_.back());
    }
    for (Index l = 0; l < config.layers; ++l) {
      decoders_.push_back(std::make_unique<TransformerDecoderLayer>(block, gen));
      register_module(fmt::format("decoder{}", l), *decoders_.back());
    }
    register_module("encoder_norm", encoder_norm_);
    register_module("decoder_norm", decoder_norm_);
    register_module("vocabulary", vocabulary_);
  }
  std::string type_name() const override { return config_.positions ? "Transformer" : "TransformerNoPositions"; }
  Module& module() override { return *this; }

  Var forward(const Tensor& source, const Tensor& decoder_input) override {
    const Encoded encoded = encode(source);
    return decode(decoder_input, encoded).logits;
  }

  // Greedy, one token at a time. Each decoder layer keeps a cache of the
  // keys and values of the positions decoded so far (and of the memory), so
  // a step feeds only the newest token through the decoder, not the whole
  // prefix again. The alignment is the last decoder layer's cross-attention,
  // averaged over its heads.
  Translator::Output translate(const Tensor& source, Index max_steps) override {
    const NoGradGuard no_graph;
    const Encoded encoded = encode(source);
    const Index batch = source.dim(0);
    std::vector<TransformerDecoderCache> caches(decoders_.size());
    Tensor previous = full({batch, 1}, Real(Vocabulary::kStart));
    std::vector<Tensor> tokens, alignment;
    for (Index t = 0; t < max_steps; ++t) {
      Var y = embed(target_embedding_, previous, t);
      Tensor cross;
      for (std::size_t l = 0; l < decoders_.size(); ++l) {
        const auto result = decoders_[l]->step(y.value(), encoded.memory.value(), caches[l], {.memory_mask = encoded.mask});
        y = result.output;
        cross = result.cross_weights.value();  // (B, heads, 1, Ts)
      }
      previous = argmax(vocabulary_(decoder_norm_(y)).value(), -1);  // (B, 1)
      tokens.push_back(previous);
      alignment.push_back(mean(cross, 1));  // (B, 1, Ts)
    }
    return {concat(tokens, 1), concat(alignment, 1)};
  }

  // The same without a cache: the whole prefix through the decoder at every
  // step, the only way when the layers keep nothing. Kept to show that the
  // cache changes no token, and what it saves.
  Translator::Output translate_without_cache(const Tensor& source, Index max_steps) {
    const NoGradGuard no_graph;
    const Encoded encoded = encode(source);
    const Index batch = source.dim(0), source_length = source.dim(1);
    Tensor prefix = full({batch, 1}, Real(Vocabulary::kStart));
    Translator::Output output{zeros({batch, max_steps}), zeros({batch, max_steps, source_length})};
    for (Index t = 0; t < max_steps; ++t) {
      const Decoded decoded = decode(prefix, encoded, true);
      const Tensor next = argmax(slice(decoded.logits.value(), 1, t, t + 1), -1);  // (B, 1)
      const Tensor looked = mean(slice(decoded.cross_weights, 2, t, t + 1), 1);    // (B, 1, Ts)
      for (Index b = 0; b < batch; ++b) {
        output.tokens.at({b, t}) = next.at({b, 0});
        for (Index s = 0; s < source_length; ++s) output.alignment.at({b, t, s}) = looked.at({b, 0, s});
      }
      prefix = concat({prefix, next}, 1);
    }
    return output;
  }

  // Each head's cross-attention (heads, steps, Ts) of the last decoder layer
  // for one source (1, Ts), the decoder fed `prefix` (1, steps): <start>
  // and the translation's tokens.
  Tensor cross_attention_by_head(const Tensor& source, const Tensor& prefix) {
    const NoGradGuard no_graph;
    const Decoded decoded = decode(prefix, encode(source), true);
    return decoded.cross_weights.reshape({config_.num_heads, prefix.dim(1), source.dim(1)});
  }

  // One attention of one layer: its weights, heads apart, and (decoder
  // layers only) the queries and keys behind them, (1, heads, rows, d) and
  // (1, heads, cols, d).
  struct LayerAttention {
    std::string name;
    Tensor weights;  // (heads, rows, cols)
    MultiHeadAttention::Vectors vectors;
  };
  // Every layer's attention for one source (1, Ts), the decoder fed
  // `prefix` (1, steps): each encoder layer's self-attention (heads, Ts,
  // Ts), then each decoder layer's self- (heads, steps, steps) and
  // cross-attention (heads, steps, Ts), named by layer.
  std::vector<LayerAttention> attention_by_layer(const Tensor& source, const Tensor& prefix) {
    const NoGradGuard no_graph;
    std::vector<LayerAttention> maps;
    const auto add = [&](std::string name, const Var& weights, MultiHeadAttention::Vectors vectors) {
      maps.push_back({std::move(name), weights.value().reshape({weights.dim(1), weights.dim(2), weights.dim(3)}),
                      std::move(vectors)});
    };
    const Tensor mask = padding_mask(source);
    Var x = embed(source_embedding_, source);
    for (std::size_t l = 0; l < encoders_.size(); ++l) {
      const auto result = (*encoders_[l])(x, {.padding_mask = mask, .return_attention_scores = true});
      x = result.output;
      add(fmt::format("encoder{} self-attention", l), result.weights, {});
    }
    const Var memory = encoder_norm_(x);
    Var y = embed(target_embedding_, prefix);
    for (std::size_t l = 0; l < decoders_.size(); ++l) {
      const auto result = (*decoders_[l])(
          y, memory, {.memory_mask = mask, .return_attention_scores = true, .return_query_key_vectors = true});
      y = result.output;
      add(fmt::format("decoder{} self-attention", l), result.self_weights, result.self_vectors);
      add(fmt::format("decoder{} cross-attention", l), result.cross_weights, result.cross_vectors);
    }
    return maps;
  }

 private:
  struct Encoded {
    Var memory;   // (B, Ts, d_model)
    Tensor mask;  // (B, Ts): 1 at real tokens
  };
  struct Decoded {
    Var logits;            // (B, Tt, V)
    Tensor cross_weights;  // (B, heads, Tt, Ts), the last decoder layer's, when asked for
  };

  // ids (B, T) at positions first, first + 1, ... -> (B, T, d_model):
  // sqrt(d_model) embedding + position.
  Var embed(Embedding& embedding, const Tensor& ids, Index first = 0) const {
    if (first + ids.dim(1) > kLongest) {
      throw_shape_error("TransformerTranslator", "ids {} from position {}: beyond the {} positions encoded", ids.shape(),
                        first, kLongest);
    }
    const Var scaled = embedding(ids) * std::sqrt(static_cast<Real>(config_.d_model));
    return config_.positions ? scaled + Var(slice(encoding_, 0, first, first + ids.dim(1))) : scaled;
  }

  Encoded encode(const Tensor& source) {
    const Tensor mask = padding_mask(source);
    Var x = embed(source_embedding_, source);
    for (auto& layer : encoders_) x = (*layer)(x, {.padding_mask = mask}).output;
    return {encoder_norm_(x), mask};
  }

  // Training asks for no weights, so attention runs fused (nn/multi_head_attention.h).
  Decoded decode(const Tensor& decoder_input, const Encoded& encoded, bool with_cross_weights = false) {
    Var y = embed(target_embedding_, decoder_input);
    Tensor cross;
    for (auto& layer : decoders_) {
      const auto result =
          (*layer)(y, encoded.memory, {.memory_mask = encoded.mask, .return_attention_scores = with_cross_weights});
      y = result.output;
      if (with_cross_weights) cross = result.cross_weights.value();
    }
    return {vocabulary_(decoder_norm_(y)), cross};
  }

  TransformerConfig config_;
  Embedding source_embedding_, target_embedding_;
  std::vector<std::unique_ptr<TransformerEncoderLayer>> encoders_;
  std::vector<std::unique_ptr<TransformerDecoderLayer>> decoders_;
  LayerNorm encoder_norm_, decoder_norm_;
  Dense vocabulary_;
  Tensor encoding_;  // (kLongest, d_model)
};

}  // namespace atto::tutorial
