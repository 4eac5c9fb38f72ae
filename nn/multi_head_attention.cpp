#include "nn/multi_head_attention.h"

#include "autograd/ops.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/reduce.h"
#include "nn/attention.h"
#include "core/shape_ops.h"

#include <cmath>

namespace atto {

namespace {

MultiHeadAttentionOptions with_defaults(MultiHeadAttentionOptions o) {
  if (o.num_heads < 1 || o.key_dim < 1 || o.query_features < 1) {
    throw_argument_error("MultiHeadAttention", "num_heads {}, key_dim {}, query_features {}: each must be >= 1",
                         o.num_heads, o.key_dim, o.query_features);
  }
  if (!(o.dropout >= 0 && o.dropout < 1)) throw_argument_error("MultiHeadAttention", "dropout {} is not in [0, 1)", o.dropout);
  if (o.value_dim == 0) o.value_dim = o.key_dim;
  if (o.value_features == 0) o.value_features = o.query_features;
  if (o.key_features == 0) o.key_features = o.value_features;
  if (o.output_shape == 0) o.output_shape = o.query_features;
  return o;
}

// 1 where query i may attend to key j, for every batch: (B, Tq, Tv).
Tensor attend_mask(const MultiHeadMasks& masks, Index batch, Index tq, Index tv) {
  Tensor attend = Tensor::empty({batch, tq, tv});
  for (Index b = 0; b < batch; ++b) {
    for (Index i = 0; i < tq; ++i) {
      for (Index j = 0; j < tv; ++j) {
        const bool ok = (masks.query_mask.numel() == 0 || masks.query_mask.at({b, i}) != 0) &&
                        (masks.value_mask.numel() == 0 || masks.value_mask.at({b, j}) != 0) &&
                        (masks.attention_mask.numel() == 0 || masks.attention_mask.at({b, i, j}) != 0) &&
                        (!masks.use_causal_mask || j <= i);
        attend.at({b, i, j}) = ok ? Real(1) : Real(0);
      }
    }
  }
  return attend;
}

}  // namespace

MultiHeadAttention::MultiHeadAttention(const MultiHeadAttentionOptions& options, Generator& gen)
    : options_(with_defaults(options)),
      gen_(&gen),
      query_(options_.query_features, projection(options_.num_heads * options_.key_dim), gen),
      key_(options_.key_features, projection(options_.num_heads * options_.key_dim), gen),
      value_(options_.value_features, projection(options_.num_heads * options_.value_dim), gen),
      output_(options_.num_heads * options_.value_dim, projection(options_.output_shape), gen) {
  register_module("query", query_);
  register_module("key", key_);
  register_module("value", value_);
  register_module("output", output_);
}

Var MultiHeadAttention::split_heads(const Var& x, Index dim) const {
  const Index batch = x.shape()[0], time = x.shape()[1];
  return permute(reshape(x, {batch, time, options_.num_heads, dim}), {0, 2, 1, 3});
}

MultiHeadAttention::Result MultiHeadAttention::forward(const Var& query, const Var& value,
                                                       const MultiHeadMasks& masks) {
  const Var key = masks.key.value_or(value);
  if (query.value().rank() != 3 || value.value().rank() != 3 || key.value().rank() != 3 ||
      query.shape()[0] != value.shape()[0] || key.shape()[0] != value.shape()[0] ||
      key.shape()[1] != value.shape()[1]) {
    throw_shape_error("MultiHeadAttention", "query {}, value {}, key {}: need (B,Tq,·), (B,Tv,·), (B,Tv,·)",
                      query.shape(), value.shape(), key.shape());
  }
  if (query.shape()[2] != options_.query_features || value.shape()[2] != options_.value_features ||
      key.shape()[2] != options_.key_features) {
    throw_shape_error("MultiHeadAttention", "query {}, value {}, key {}: the layer was built for {}, {} and {} features",
                      query.shape(), value.shape(), key.shape(), options_.query_features, options_.value_features,
                      options_.key_features);
  }
  const Index batch = query.shape()[0], tq = query.shape()[1], tv = value.shape()[1];
  // Project, then split the last axis into heads: (B, heads, T, dim).
  const Var q = split_heads(query_(query), options_.key_dim) * (Real(1) / std::sqrt(static_cast<Real>(options_.key_dim)));
  const Var k = split_heads(key_(key), options_.key_dim);
  const Var v = split_heads(value_(value), options_.value_dim);
  // Scores (B, heads, Tq, Tv), pushed down by 1e9 where masked.
  Var scores = matmul(q, k, Transpose::b);
  Tensor row_alive;
  const bool by_query = check_mask("MultiHeadAttention", "query_mask", masks.query_mask, {batch, tq});
  const bool by_value = check_mask("MultiHeadAttention", "value_mask", masks.value_mask, {batch, tv});
  const bool by_pair = check_mask("MultiHeadAttention", "attention_mask", masks.attention_mask, {batch, tq, tv});
  if ((by_query || by_value || by_pair || masks.use_causal_mask) && tv > 0) {  // no keys: nothing to mask
    const Tensor attend = atto::unsqueeze(attend_mask(masks, batch, tq, tv), 1);  // (B, 1, Tq, Tv)
    scores = scores + Var((attend - 1) * Real(1e9));
    row_alive = atto::max(attend, -1, true);  // 0 for a row with nothing to attend to
  }
  Var weights = softmax(scores);
  if (row_alive.numel() > 0) weights = weights * Var(row_alive);
  // Heads back side by side, then the output projection.
  const Var heads = matmul(dropout(weights, options_.dropout, is_training(), *gen_), v);  // (B, heads, Tq, dv)
  const Var joined = reshape(permute(heads, {0, 2, 1, 3}), {batch, tq, options_.num_heads * options_.value_dim});
  return {output_(joined), weights};
}

}  // namespace atto
