// Attention (Luong, dot-product) with the semantics of Keras's
// `keras.layers.Attention`, built from autograd primitives.
//
// Inputs: query (B, Tq, d), value (B, Tv, dv), key (B, Tv, d) defaulting to
// value. Output (B, Tq, dv).
//   dot:    S[b,i,j] = s * sum_k q[b,i,k] key[b,j,k]
//   concat: S[b,i,j] = w * sum_k tanh(s * (q[b,i,k] + key[b,j,k]))
// where s is a trainable scalar initialised to 1 when use_scale (else 1,
// fixed) and w a trainable scalar initialised to 1. NOTE: as in Keras there is
// no 1/sqrt(d) here; use_scale *learns* a scale instead.
//
// Masks (true/nonzero = attend): value_mask (B, Tv) and, with use_causal_mask, the
// lower triangle j <= i. Masked scores get 1e9 subtracted (Keras's choice,
// not -inf), so a row with every position masked is still a finite
// distribution, never NaN: softmax ignores the common shift, so in double it
// is the unmasked softmax, and in float, where scores near -1e9 round
// together, it is close to uniform.
// weights = softmax(S) (dropout on them in training), output = weights value,
// and output rows whose query_mask is 0 are set to 0.
#pragma once

#include "core/random.h"
#include "nn/module.h"

#include <optional>
#include <string_view>

namespace atto {

enum class AttentionScore { dot, concat };

struct AttentionMasks {
  std::optional<Var> key = std::nullopt;  // defaults to value
  Tensor query_mask = Tensor();           // (B, Tq), or empty for none
  Tensor value_mask = Tensor();           // (B, Tv), or empty for none
  bool use_causal_mask = false;           // query i attends to keys j <= i only
};

// Keras's names: Attention({.use_scale = true, .score_mode = AttentionScore::concat}).
struct AttentionOptions {
  bool use_scale = false;
  AttentionScore score_mode = AttentionScore::dot;
  Real dropout = 0;  // on the attention weights, in training
};

// What Attention and AdditiveAttention share (Keras's BaseDenseAttention):
// shape checks, masks, softmax, dropout, the product with the value, the
// query mask. Subclasses define only how a query and a key are scored.
class ScoredAttention : public Module {
 public:
  struct Result {
    Var output;   // (B, Tq, dv)
    Var weights;  // (B, Tq, Tv): the attention distribution (after dropout in training)
  };
  Result forward(const Var& query, const Var& value, const AttentionMasks& masks = {});
  Result operator()(const Var& query, const Var& value, const AttentionMasks& masks = {}) {
    const GraphScope scope = graph_scope();
    return forward(query, value, masks);
  }

 protected:
  ScoredAttention(const char* name, Real dropout, Generator& gen);
  // (B, Tq, d) and (B, Tv, d) -> scores (B, Tq, Tv)
  [[nodiscard]] virtual Var scores(const Var& query, const Var& key) const = 0;

 private:
  Real dropout_;
  Generator* gen_;
};

class Attention : public ScoredAttention {
 public:
  explicit Attention(const AttentionOptions& options = {}, Generator& gen = default_generator());
  [[nodiscard]] std::string type_name() const override { return "Attention"; }

 private:
  [[nodiscard]] Var scores(const Var& query, const Var& key) const override;

  bool use_scale_;
  AttentionScore score_;
  Var scale_, concat_weight_;
};

// Checks an attention mask: absent (the default, an empty Tensor()) or of
// shape `want` and holding only 0 and 1 (a 2 would scale an output, a NaN
// would pass through). Throws naming `op` and `name`; returns whether the
// mask is given.
bool check_mask(std::string_view op, std::string_view name, const Tensor& mask, const Shape& want);

// The score mask as an additive term: 0 where attending, -1e9 where masked,
// shaped (B or 1, Tq or 1, Tv). Empty value_mask and no causal: an empty tensor.
[[nodiscard]] Tensor attention_score_bias(const Tensor& value_mask, Index batch, Index tq, Index tv, bool causal);

}  // namespace atto
