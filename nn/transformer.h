// The Transformer's two layers (Vaswani et al., 2017) and its sinusoidal
// positional encoding, with PyTorch's names and semantics
// (torch.nn.TransformerEncoderLayer / TransformerDecoderLayer with
// batch_first=True) and Keras's option names: built from MultiHeadAttention, LayerNorm (or the
// normalisation the norm option makes), Dense and Dropout, so that their gradients are those
// layers' own.
//
// Encoder layer, x (B, T, features):
//   pre-norm (normalize_first, the default here):   x = x + SA(LN1(x));  x = x + FF(LN2(x))
//   post-norm (the 2017 paper, PyTorch's default): x = LN1(x + SA(x)); x = LN2(x + FF(x))
// Decoder layer, x (B, Tt, features) and the encoder's output memory (B, Ts, features):
//   pre-norm:  x = x + SA(LN1(x)) (causal);  x = x + CA(LN2(x), memory);  x = x + FF(LN3(x))
//   post-norm: the same with the norms after each residual sum.
// SA: multi-head self-attention; CA: cross-attention, queries from the
// decoder, keys and values from the memory; FF: Dense(features ->
// intermediate_dim, activation) -> Dropout -> Dense(intermediate_dim -> features). Dropout also
// follows each sublayer, before the residual sum, in training.
//
// Masks hold 1 (attend) and 0 (padding), as everywhere in attograd (PyTorch's
// key_padding_mask is the opposite: true = ignore). Unlike PyTorch, a query
// with nothing to attend to gets zero weights rather than NaN (see
// nn/multi_head_attention.h). Pre-norm is the default because it trains
// without a learning-rate warm-up at tutorial scale; post-norm is there to
// match the paper and PyTorch's default.
#pragma once

#include "nn/layer_norm.h"
#include "nn/layers.h"
#include "nn/multi_head_attention.h"

#include <functional>
#include <memory>

namespace atto {

// Keras's names (KerasNLP's TransformerEncoder and TransformerDecoder);
// PyTorch's in brackets where they differ.
struct TransformerOptions {
  Index features = 0;          // of every position, the paper's d_model (d_model), required
  Index num_heads = 1;         // features must be a multiple of it (nhead)
  Index intermediate_dim = 0;  // the hidden width of FF; 0: 4 features (dim_feedforward)
  Real dropout = 0;
  Activation activation = Activation::relu;
  bool normalize_first = true;     // pre-norm; false: the paper's post-norm (norm_first)
  Real layer_norm_epsilon = 1e-5;  // (layer_norm_eps)
  // The normalisation around each sublayer: called once per norm with the
  // features, it returns a Layer of (..., features) -> (..., features),
  // which the layer then owns and registers as norm1, norm2 (and norm3).
  // Empty: LayerNorm(features, layer_norm_epsilon). E.g. an RMSNorm of
  // your own: .norm = [](Index f) { return std::make_unique<RMSNorm>(f); }
  std::function<std::unique_ptr<Layer>(Index features)> norm = {};
};

// What an encoder layer's call attends to, and what it returns.
struct TransformerEncoderMasks {
  Tensor padding_mask = Tensor();        // (B, T): 1 at real positions, or empty
  bool use_causal_mask = false;          // position i attends to positions j <= i only
  bool return_attention_scores = false;  // fill Result::weights
  bool return_query_key_vectors = false;  // fill Result::vectors (forward only)
};

// A decoder layer's masks: target_mask (B, Tt) and memory_mask (B, Ts) hold
// 1 at real positions, or are empty. Self-attention is always causal.
struct TransformerDecoderMasks {
  Tensor target_mask = Tensor();
  Tensor memory_mask = Tensor();
  bool return_attention_scores = false;   // fill Result::self_weights and cross_weights
  bool return_query_key_vectors = false;  // fill Result::self_vectors and cross_vectors (forward only, not step)
};

// What greedy decoding keeps between steps: the self-attention's keys and
// values of the positions so far, and the cross-attention's of the memory.
struct TransformerDecoderCache {
  KeyValueCache self, cross;
};

class TransformerEncoderLayer : public Module {
 public:
  explicit TransformerEncoderLayer(const TransformerOptions& options, Generator& gen = default_generator());
  struct Result {
    Var output;   // (B, T, features)
    Var weights;  // self-attention (B, heads, T, T); empty unless return_attention_scores
    // The queries and keys behind the weights, as the layer fed its
    // attention (after the norm, in pre-norm), recomputed without a graph
    // (MultiHeadAttention::query_key_vectors); empty unless return_query_key_vectors.
    MultiHeadAttention::Vectors vectors = {};
  };
  Result forward(const Var& x, const TransformerEncoderMasks& masks = {});
  Result operator()(const Var& x, const TransformerEncoderMasks& masks = {}) {
    const GraphScope scope = graph_scope();
    return forward(x, masks);
  }
  [[nodiscard]] std::string type_name() const override { return "TransformerEncoderLayer"; }

 private:
  TransformerOptions options_;
  MultiHeadAttention self_attention_;
  std::unique_ptr<Layer> norm1_, norm2_;
  Dense feedforward1_, feedforward2_;
  Dropout dropout_;
};

class TransformerDecoderLayer : public Module {
 public:
  explicit TransformerDecoderLayer(const TransformerOptions& options, Generator& gen = default_generator());
  // Weights are empty unless return_attention_scores.
  struct Result {
    Var output;               // (B, Tt, features)
    Var self_weights;         // (B, heads, Tt, Tt)
    Var cross_weights;        // (B, heads, Tt, Ts): where each target position looks in the source
    // As the encoder layer's vectors; empty unless return_query_key_vectors.
    MultiHeadAttention::Vectors self_vectors = {}, cross_vectors = {};
  };
  // Self-attention is causal: target position i sees targets j <= i.
  Result forward(const Var& x, const Var& memory, const TransformerDecoderMasks& masks = {});
  Result operator()(const Var& x, const Var& memory, const TransformerDecoderMasks& masks = {}) {
    const GraphScope scope = graph_scope();
    return forward(x, memory, masks);
  }
  // One step of greedy decoding, without a graph and without dropout: the
  // newest target position (B, 1, features) against the positions in the
  // cache and the memory (B, Ts, features); its output row is forward's row
  // for that position, given the same prefix. Both weights are returned,
  // for the step's one row. masks.target_mask covers the positions decoded
  // so far, this one included.
  Result step(const Tensor& position, const Tensor& memory, TransformerDecoderCache& cache,
              const TransformerDecoderMasks& masks = {});
  [[nodiscard]] std::string type_name() const override { return "TransformerDecoderLayer"; }

 private:
  TransformerOptions options_;
  MultiHeadAttention self_attention_, cross_attention_;
  std::unique_ptr<Layer> norm1_, norm2_, norm3_;
  Dense feedforward1_, feedforward2_;
  Dropout dropout_;
};

// The sinusoidal positional encoding (length, d_model), added to the
// embeddings so that attention, which sees a set, can tell positions apart:
//   PE[p, 2i] = sin(p / 10000^(2i / d_model)),  PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))
// Each pair of features is a clock of its own period, from 2 pi to 10000 2 pi
// positions, so PE[p + k] is a fixed rotation of PE[p] for any p.
[[nodiscard]] Tensor positional_encoding(Index length, Index d_model);

}  // namespace atto
