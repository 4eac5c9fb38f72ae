// MultiHeadAttention with the semantics of Keras's
// `keras.layers.MultiHeadAttention`:
//
//   per head h: q_h = x_q Wq_h + bq_h,  k_h = x_k Wk_h + bk_h,  v_h = x_v Wv_h + bv_h
//               A_h = softmax(q_h k_h^T / sqrt(key_dim) + mask)       (B, Tq, Tv)
//               o_h = dropout(A_h) v_h
//   output = concat_h(o_h) Wo + bo                                      (B, Tq, *output_shape)
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
//
// Two paths, one result. Unless the weights are asked for
// (return_attention_scores, as in Keras) or dropout is active, the heads run
// through the fused scaled_dot_product_attention, which never stores the
// (Tq, Tv) weights; otherwise through the composed ops above, which do. The
// tests hold the two to the same outputs and gradients.
//
// Decoding one position at a time, a KeyValueCache keeps the keys and values
// projected so far, so that each step projects only its new position
// (step, step_over_memory); the result is that of the whole prefix at once with
// use_causal_mask, row for row.
#pragma once

#include "nn/layers.h"

#include <cmath>
#include <optional>

namespace atto {

struct MultiHeadAttentionOptions {
  Index num_heads = 1;
  Index key_dim = 0;          // size of each head's queries and keys (required)
  Index value_dim = 0;        // size of each head's values; 0: key_dim
  Index query_features = 0;   // the query's last axis (required)
  Index value_features = 0;   // the value's last axis; 0: query_features
  Index key_features = 0;     // the key's last axis; 0: value_features
  Shape output_shape = {};    // the output's axes after (B, Tq), as Keras's; empty: (query_features)
  Real dropout = 0;
  bool use_bias = true;
};

struct MultiHeadMasks {
  std::optional<Var> key = std::nullopt;  // defaults to value
  Tensor query_mask = Tensor();           // (B, Tq)
  Tensor value_mask = Tensor();           // (B, Tv)
  Tensor attention_mask = Tensor();       // (B, Tq, Tv)
  bool use_causal_mask = false;
  bool return_attention_scores = false;   // fill Result::weights (the composed path)
};

// The keys and values of the positions decoded so far, projected and split
// into heads: (B, heads, T, key_dim) and (B, heads, T, value_dim). Empty
// until the first step.
struct KeyValueCache {
  Tensor keys, values;
  [[nodiscard]] Index length() const { return keys.rank() == 4 ? keys.dim(2) : 0; }
};

class MultiHeadAttention : public Module {
 public:
  explicit MultiHeadAttention(const MultiHeadAttentionOptions& options, Generator& gen = default_generator());

  struct Result {
    Var output;   // (B, Tq, *output_shape)
    Var weights;  // (B, heads, Tq, Tv), before dropout; empty unless return_attention_scores
  };
  Result forward(const Var& query, const Var& value, const MultiHeadMasks& masks = {});
  Result operator()(const Var& query, const Var& value, const MultiHeadMasks& masks = {}) {
    const GraphScope scope = graph_scope();
    return forward(query, value, masks);
  }

  // What each weight is made of, for a picture of it: the queries (B,
  // heads, Tq, key_dim) and keys (B, heads, Tv, key_dim) of query (B, Tq,
  // query_features) and key (B, Tv, key_features), and the fixed scale, so
  // that head h's score of (i, j) is scale * q_i . k_j and its weight that
  // row's softmax (before masks). Without a graph, whichever path forward
  // takes (the fused one never keeps them).
  struct Vectors {
    Tensor queries, keys;
    Real scale = 1;
  };
  [[nodiscard]] Vectors query_key_vectors(const Tensor& query, const Tensor& key);

  // One decoding step of self-attention, without building a graph: the new
  // position (B, 1, features) gives its query, and its key and value join
  // the cache, so the query sees every position decoded so far.
  // value_mask (B, cache length after the step) or empty.
  Result step(const Tensor& position, KeyValueCache& cache, const Tensor& value_mask = Tensor());
  // One decoding step of cross-attention: the query (B, 1, query_features)
  // against a fixed memory (B, Ts, value_features), whose keys and values
  // the cache holds after the first step.
  Result step_over_memory(const Tensor& query, const Tensor& memory, KeyValueCache& cache,
                          const Tensor& memory_mask = Tensor());

  [[nodiscard]] std::string type_name() const override { return "MultiHeadAttention"; }

 private:
  // (B, T, heads * dim) -> (B, heads, T, dim)
  [[nodiscard]] Var split_heads(const Var& x, Index dim) const;
  // The fixed 1/sqrt(key_dim) of the scores.
  [[nodiscard]] Real scale() const { return Real(1) / std::sqrt(static_cast<Real>(options_.key_dim)); }
  // The heads' outputs (B, heads, Tq, dv) -> the layer's output (B, Tq, *output_shape).
  [[nodiscard]] Var merge_heads(const Var& heads);
  // Scaled queries (B, heads, Tq, key_dim) against keys and values split
  // into heads, with the masks applied to the scores: the composed path.
  [[nodiscard]] Result attend_composed(const Var& q, const Var& k, const Var& v, const MultiHeadMasks& masks);
  // The queries of one decoding step against the cache; the caller has
  // checked the mask, under its own name.
  [[nodiscard]] Result attend_cache(const Tensor& query, const KeyValueCache& cache, const Tensor& value_mask);
  // A linear projection to `units`, with or without bias as the options say.
  [[nodiscard]] DenseOptions projection(Index units) const { return {.units = units, .use_bias = options_.use_bias}; }

  MultiHeadAttentionOptions options_;
  Generator* gen_;
  Dense query_, key_, value_, output_;
};

}  // namespace atto
