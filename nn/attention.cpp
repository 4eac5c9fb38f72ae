#include "nn/attention.h"

#include "autograd/ops.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/shape_ops.h"

namespace atto {

namespace {

constexpr Real kMaskedScore = 1e9;

void check_shapes(const std::string& op, const Var& query, const Var& value, const Var& key,
                  const AttentionMasks& masks) {
  const Shape& q = query.shape();
  const Shape& v = value.shape();
  const Shape& k = key.shape();
  if (q.rank() != 3 || v.rank() != 3 || k.rank() != 3) {
    throw_shape_error(op, "query {}, value {}, key {}: each must be (batch, time, features)", q, v, k);
  }
  if (q[0] != v[0] || k[0] != v[0] || k[1] != v[1] || q[2] != k[2]) {
    throw_shape_error(op, "query {}, value {}, key {}: need query (B,Tq,d), value (B,Tv,dv), key (B,Tv,d)",
                      q, v, k);
  }
  check_mask(op, "query_mask", masks.query_mask, {q[0], q[1]});
  check_mask(op, "value_mask", masks.value_mask, {v[0], v[1]});
}

}  // namespace

bool check_mask(std::string_view op, std::string_view name, const Tensor& mask, const Shape& want) {
  if (is_unset(mask)) return false;
  if (!(mask.shape() == want)) throw_shape_error(op, "{} {}: need {}", name, mask.shape(), want);
  for (Index i = 0; i < mask.numel(); ++i) {
    const Real m = mask.data()[i];
    if (m != 0 && m != 1) throw_argument_error(op, "{} holds {} at flat position {}; a mask holds 0 or 1", name, m, i);
  }
  return true;
}

Tensor attention_score_bias(const Tensor& value_mask, Index batch, Index tq, Index tv, bool causal) {
  const bool by_value = value_mask.numel() > 0;
  if (!by_value && !causal) return Tensor();
  // attend[b, i, j] = value_mask[b, j] and (not causal or j <= i)
  Tensor bias = Tensor::empty({by_value ? batch : 1, causal ? tq : 1, tv});
  for (Index b = 0; b < bias.shape()[0]; ++b) {
    for (Index i = 0; i < bias.shape()[1]; ++i) {
      for (Index j = 0; j < tv; ++j) {
        const bool attend = (!by_value || value_mask.at({b, j}) != 0) && (!causal || j <= i);
        bias.at({b, i, j}) = attend ? Real(0) : -kMaskedScore;
      }
    }
  }
  return bias;
}

ScoredAttention::ScoredAttention(const char* name, Real dropout, Generator& gen) : dropout_(dropout), gen_(&gen) {
  if (!(dropout >= 0 && dropout < 1)) throw_argument_error(name, "dropout {} is not in [0, 1)", dropout);
}

Attention::Attention(const AttentionOptions& options, Generator& gen)
    : ScoredAttention("Attention", options.dropout, gen),
      use_scale_(options.use_scale),
      score_(options.score_mode),
      scale_(scalar(1), true),
      concat_weight_(scalar(1), true) {
  if (score_ != AttentionScore::dot && score_ != AttentionScore::concat) {
    throw_argument_error("Attention", "score_mode {} is neither AttentionScore::dot nor AttentionScore::concat",
                         static_cast<int>(score_));
  }
  if (use_scale_) register_parameter("scale", scale_);
  if (score_ == AttentionScore::concat) register_parameter("concat_score_weight", concat_weight_);
}

Var Attention::scores(const Var& query, const Var& key) const {
  if (score_ == AttentionScore::dot) {
    // S = q key^T  (B,Tq,d) x (B,Tv,d)^T -> (B,Tq,Tv)
    const Var s = matmul(query, key, Transpose::b);
    return use_scale_ ? s * scale_ : s;
  }
  // S = w * sum_k tanh(s * (q_i + key_j)): (B,Tq,1,d) + (B,1,Tv,d) -> (B,Tq,Tv,d) -> (B,Tq,Tv)
  const Var pairs = unsqueeze(query, 2) + unsqueeze(key, 1);
  return sum(tanh(use_scale_ ? pairs * scale_ : pairs), -1) * concat_weight_;
}

ScoredAttention::Result ScoredAttention::forward(const Var& query, const Var& value, const AttentionMasks& masks) {
  const Var key = masks.key.value_or(value);
  check_shapes(type_name(), query, value, key, masks);
  Var s = scores(query, key);
  const Tensor bias = attention_score_bias(masks.value_mask, query.shape()[0], query.shape()[1], value.shape()[1],
                                           masks.use_causal_mask);
  if (bias.numel() > 0) s = s + Var(bias);
  Var weights = dropout(softmax(s), dropout_, is_training(), *gen_);
  Var output = matmul(weights, value);
  if (masks.query_mask.numel() > 0) output = output * Var(atto::unsqueeze(masks.query_mask, -1));
  return {output, weights};
}

}  // namespace atto
