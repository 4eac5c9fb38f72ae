#include "nn/multi_head_attention.h"

#include "autograd/ops.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/reduce.h"
#include "nn/attention.h"
#include "core/shape_ops.h"

#include <cmath>
#include <limits>

namespace atto {

namespace {

MultiHeadAttentionOptions with_defaults(MultiHeadAttentionOptions o) {
  if (o.num_heads < 1 || o.key_dim < 1 || o.query_features < 1) {
    throw_argument_error("MultiHeadAttention", "num_heads {}, key_dim {}, query_features {}: each must be >= 1",
                         o.num_heads, o.key_dim, o.query_features);
  }
  for (const auto& [name, size] : {std::pair{"value_dim", o.value_dim}, {"value_features", o.value_features},
                                   {"key_features", o.key_features}}) {
    if (size < 0) throw_argument_error("MultiHeadAttention", "{} {} must be >= 1, or 0 for its default", name, size);
  }
  for (Index d : o.output_shape) {
    if (d < 1) throw_argument_error("MultiHeadAttention", "output_shape {} must hold sizes >= 1", o.output_shape);
  }
  if (!(o.dropout >= 0 && o.dropout < 1)) throw_argument_error("MultiHeadAttention", "dropout {} is not in [0, 1)", o.dropout);
  if (o.value_dim == 0) o.value_dim = o.key_dim;
  if (o.value_features == 0) o.value_features = o.query_features;
  if (o.key_features == 0) o.key_features = o.value_features;
  if (o.output_shape.rank() == 0) o.output_shape = Shape{o.query_features};
  // Every projection's kernel, counted before any is made.
  (void)parameter_shape("MultiHeadAttention", "query kernel", {o.query_features, o.num_heads, o.key_dim});
  (void)parameter_shape("MultiHeadAttention", "key kernel", {o.key_features, o.num_heads, o.key_dim});
  (void)parameter_shape("MultiHeadAttention", "value kernel", {o.value_features, o.num_heads, o.value_dim});
  (void)parameter_shape("MultiHeadAttention", "output kernel", {o.num_heads, o.value_dim, o.output_shape.numel()});
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
      output_(options_.num_heads * options_.value_dim, projection(options_.output_shape.numel()), gen) {
  register_module("query", query_);
  register_module("key", key_);
  register_module("value", value_);
  register_module("output", output_);
}

Var MultiHeadAttention::split_heads(const Var& x, Index dim) const {
  const Index batch = x.shape()[0], time = x.shape()[1];
  return permute(reshape(x, {batch, time, options_.num_heads, dim}), {0, 2, 1, 3});
}

Var MultiHeadAttention::merge_heads(const Var& heads) {
  const Index batch = heads.shape()[0], tq = heads.shape()[2];
  const Var projected =
      output_(reshape(permute(heads, {0, 2, 1, 3}), {batch, tq, options_.num_heads * options_.value_dim}));
  if (options_.output_shape.rank() == 1) return projected;
  Shape shape{batch, tq};
  for (Index d : options_.output_shape) shape.push_back(d);
  return reshape(projected, shape);
}

MultiHeadAttention::Result MultiHeadAttention::attend_composed(const Var& q, const Var& k, const Var& v,
                                                               const MultiHeadMasks& masks) {
  const Index batch = q.shape()[0], tq = q.shape()[2], tv = k.shape()[2];
  // Scores (B, heads, Tq, Tv), pushed down by 1e9 where masked.
  Var scores = matmul(q * scale(), k, Transpose::b);
  Tensor row_alive;
  const bool by_query = masks.query_mask.numel() > 0, by_value = masks.value_mask.numel() > 0;
  if ((by_query || by_value || masks.attention_mask.numel() > 0 || masks.use_causal_mask) && tv > 0) {
    const Tensor attend = atto::unsqueeze(attend_mask(masks, batch, tq, tv), 1);  // (B, 1, Tq, Tv)
    scores = scores + Var((attend - 1) * Real(1e9));
    row_alive = atto::max(attend, -1, true);  // 0 for a row with nothing to attend to
  }
  Var weights = softmax(scores);
  if (row_alive.numel() > 0) weights = weights * Var(row_alive);
  const Var heads = matmul(dropout(weights, options_.dropout, is_training(), *gen_), v);  // (B, heads, Tq, dv)
  return {merge_heads(heads), weights};
}

MultiHeadAttention::Vectors MultiHeadAttention::query_key_vectors(const Tensor& query, const Tensor& key) {
  if (query.rank() != 3 || key.rank() != 3 || query.dim(0) != key.dim(0) || query.dim(2) != options_.query_features ||
      key.dim(2) != options_.key_features) {
    throw_shape_error("MultiHeadAttention::query_key_vectors", "query {}, key {}: need (B,Tq,{}) and (B,Tv,{})",
                      query.shape(), key.shape(), options_.query_features, options_.key_features);
  }
  const NoGradGuard no_graph;
  return {split_heads(query_.forward(Var(query)), options_.key_dim).value(),
          split_heads(key_.forward(Var(key)), options_.key_dim).value(), scale()};
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
  check_mask("MultiHeadAttention", "query_mask", masks.query_mask, {batch, tq});
  check_mask("MultiHeadAttention", "value_mask", masks.value_mask, {batch, tv});
  check_mask("MultiHeadAttention", "attention_mask", masks.attention_mask, {batch, tq, tv});
  // Project, then split the last axis into heads: (B, heads, T, dim).
  const Var q = split_heads(query_(query), options_.key_dim);
  const Var k = split_heads(key_(key), options_.key_dim);
  const Var v = split_heads(value_(value), options_.value_dim);
  if (masks.return_attention_scores || (options_.dropout > 0 && is_training())) return attend_composed(q, k, v, masks);
  // The fused kernel: causal masking is its own; every other mask becomes a
  // bias of -inf on the scores it hides, and a row with nothing left to see
  // gives 0, as the composed path's zero weights do.
  Tensor bias;
  if (masks.query_mask.numel() > 0 || masks.value_mask.numel() > 0 || masks.attention_mask.numel() > 0) {
    MultiHeadMasks without_causal = masks;
    without_causal.use_causal_mask = false;
    const Tensor attend = atto::unsqueeze(attend_mask(without_causal, batch, tq, tv), 1);  // (B, 1, Tq, Tv)
    bias = where(attend, zeros({1}), full({1}, -std::numeric_limits<Real>::infinity()));
  }
  const Var heads = scaled_dot_product_attention(
      q, k, v, scale(), masks.use_causal_mask ? AttentionMask::causal : AttentionMask::none, bias);
  return {merge_heads(heads), Var()};
}

MultiHeadAttention::Result MultiHeadAttention::attend_cache(const Tensor& query, const KeyValueCache& cache,
                                                            const Tensor& value_mask) {
  const Var q = split_heads(query_(Var(query)), options_.key_dim);
  return attend_composed(q, Var(cache.keys), Var(cache.values), {.value_mask = value_mask});
}

MultiHeadAttention::Result MultiHeadAttention::step(const Tensor& position, KeyValueCache& cache,
                                                    const Tensor& value_mask) {
  if (position.rank() != 3 || position.dim(1) != 1 || position.dim(2) != options_.query_features ||
      options_.value_features != options_.query_features || options_.key_features != options_.query_features ||
      (cache.length() > 0 && cache.keys.dim(0) != position.dim(0))) {
    throw_shape_error("MultiHeadAttention.step", "position {}: need (B, 1, {}) with B as in the cache {}",
                      position.shape(), options_.query_features, cache.keys.shape());
  }
  // Checked before the cache grows, so that a refused call leaves it as it was.
  check_mask("MultiHeadAttention.step", "value_mask", value_mask, {position.dim(0), cache.length() + 1});
  const NoGradGuard no_graph;
  const Tensor k = split_heads(key_(Var(position)), options_.key_dim).value();
  const Tensor v = split_heads(value_(Var(position)), options_.value_dim).value();
  const bool first = cache.length() == 0;
  cache.keys = first ? k : concat({cache.keys, k}, 2);
  cache.values = first ? v : concat({cache.values, v}, 2);
  return attend_cache(position, cache, value_mask);
}

MultiHeadAttention::Result MultiHeadAttention::step_over_memory(const Tensor& query, const Tensor& memory,
                                                                KeyValueCache& cache, const Tensor& memory_mask) {
  if (query.rank() != 3 || query.dim(1) != 1 || query.dim(2) != options_.query_features || memory.rank() != 3 ||
      memory.dim(0) != query.dim(0) || memory.dim(2) != options_.value_features ||
      options_.key_features != options_.value_features) {
    throw_shape_error("MultiHeadAttention.step_over_memory", "query {}, memory {}: need (B, 1, {}) and (B, Ts, {})",
                      query.shape(), memory.shape(), options_.query_features, options_.value_features);
  }
  check_mask("MultiHeadAttention.step_over_memory", "memory_mask", memory_mask, {memory.dim(0), memory.dim(1)});
  const NoGradGuard no_graph;
  if (cache.length() == 0) {
    cache.keys = split_heads(key_(Var(memory)), options_.key_dim).value();
    cache.values = split_heads(value_(Var(memory)), options_.value_dim).value();
  }
  return attend_cache(query, cache, memory_mask);
}

}  // namespace atto
