// MultiHeadAttention with the semantics of Keras's
// `keras.layers.MultiHeadAttention`:
//
//   per head h: q_h = x_q Wq_h + bq_h,  k_h = x_k Wk_h + bk_h,  v_h = x_v Wv_h + bv_h
//               A_h = softmax(q_h k_h^T / sqrt(key_dim) + mask)       (B, Tq, Tv)
//               o_h = dropout(A_h) v_h
//   output = concat_h(o_h) Wo + bo                                      (B, Tq, output_shape)
//
// The 1/sqrt(key_dim) is a fixed constant applied to q (not trainable).
// The four projections are Dense layers named query, key, value and output
// (kernels (in, heads * dim), glorot_uniform over that 2-D shape; Keras
// computes the fans over its 3-D einsum kernels instead, so the initial range
// differs slightly). Biases start at zero.
//
// Masks (true/nonzero = attend) are ANDed: query_mask (B, Tq), value_mask
// (B, Tv), use_causal_mask (j <= i), attention_mask (B, Tq, Tv). Masked scores get
// 1e9 subtracted, and a query row with nothing left to attend to gets all-zero
// weights (as recent Keras does), so its output is the output bias. Never NaN.
#pragma once

#include "nn/layers.h"

#include <optional>

namespace atto {

struct MultiHeadAttentionOptions {
  Index num_heads = 1;
  Index key_dim = 0;          // size of each head's queries and keys (required)
  Index value_dim = 0;        // size of each head's values; 0: key_dim
  Index query_features = 0;   // the query's last axis (required)
  Index value_features = 0;   // the value's last axis; 0: query_features
  Index key_features = 0;     // the key's last axis; 0: value_features
  Index output_shape = 0;     // the output's last axis; 0: query_features
  Real dropout = 0;
  bool use_bias = true;
};

struct MultiHeadMasks {
  std::optional<Var> key = std::nullopt;  // defaults to value
  Tensor query_mask = Tensor();           // (B, Tq)
  Tensor value_mask = Tensor();           // (B, Tv)
  Tensor attention_mask = Tensor();       // (B, Tq, Tv)
  bool use_causal_mask = false;
};

class MultiHeadAttention : public Module {
 public:
  explicit MultiHeadAttention(const MultiHeadAttentionOptions& options, Generator& gen = default_generator());

  struct Result {
    Var output;   // (B, Tq, output_shape)
    Var weights;  // (B, heads, Tq, Tv), before dropout
  };
  Result forward(const Var& query, const Var& value, const MultiHeadMasks& masks = {});
  Result operator()(const Var& query, const Var& value, const MultiHeadMasks& masks = {}) {
    return forward(query, value, masks);
  }
  [[nodiscard]] std::string type_name() const override { return "MultiHeadAttention"; }

 private:
  // (B, T, heads * dim) -> (B, heads, T, dim)
  [[nodiscard]] Var split_heads(const Var& x, Index dim) const;
  // A linear projection to `units`, with or without bias as the options say.
  [[nodiscard]] DenseOptions projection(Index units) const { return {.units = units, .use_bias = options_.use_bias}; }

  MultiHeadAttentionOptions options_;
  Generator* gen_;
  Dense query_, key_, value_, output_;
};

}  // namespace atto
