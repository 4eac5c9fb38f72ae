#include "nn/transformer.h"

#include "autograd/ops.h"
#include "core/errors.h"
#include "nn/attention.h"

#include <cmath>

namespace atto {

namespace {

const TransformerOptions& checked(const char* layer, const TransformerOptions& options) {
  if (options.features < 1 || options.num_heads < 1 || options.features % options.num_heads != 0 ||
      options.intermediate_dim < 0) {
    throw_argument_error(layer, "features {} must be a positive multiple of num_heads {}, intermediate_dim {} >= 0",
                         options.features, options.num_heads, options.intermediate_dim);
  }
  if (!(options.dropout >= 0 && options.dropout < 1)) {
    throw_argument_error(layer, "dropout {} is not in [0, 1)", options.dropout);
  }
  if (!(options.layer_norm_epsilon > 0)) {
    throw_argument_error(layer, "layer_norm_epsilon {} must be positive", options.layer_norm_epsilon);
  }
  (void)checked_activation(layer, options.activation);
  return options;
}

MultiHeadAttentionOptions attention_options(const TransformerOptions& o) {
  return {.num_heads = o.num_heads, .key_dim = o.features / o.num_heads, .query_features = o.features,
          .dropout = o.dropout};
}

Index hidden_width(const TransformerOptions& o) { return o.intermediate_dim > 0 ? o.intermediate_dim : 4 * o.features; }

// One of the layer's norms, from the options' factory or LayerNorm.
std::unique_ptr<Layer> make_norm(const char* layer, const TransformerOptions& o) {
  if (!o.norm) return std::make_unique<LayerNorm>(o.features, o.layer_norm_epsilon);
  std::unique_ptr<Layer> norm = o.norm(o.features);
  if (!norm) throw_argument_error(layer, "the norm option returned no layer for {} features", o.features);
  return norm;
}

void check_input(const char* layer, const char* name, const Var& x, Index features) {
  if (x.value().rank() != 3 || x.shape()[2] != features) {
    throw_shape_error(layer, "{} {} is not (batch, length, {})", name, x.shape(), features);
  }
}

}  // namespace

TransformerEncoderLayer::TransformerEncoderLayer(const TransformerOptions& options, Generator& gen)
    : options_(checked("TransformerEncoderLayer", options)),
      self_attention_(attention_options(options_), gen),
      norm1_(make_norm("TransformerEncoderLayer", options_)),
      norm2_(make_norm("TransformerEncoderLayer", options_)),
      feedforward1_(options_.features, {.units = hidden_width(options_), .activation = options_.activation}, gen),
      feedforward2_(hidden_width(options_), {.units = options_.features}, gen),
      dropout_(options_.dropout, gen) {
  register_module("self_attention", self_attention_);
  register_module("norm1", *norm1_);
  register_module("norm2", *norm2_);
  register_module("feedforward1", feedforward1_);
  register_module("feedforward2", feedforward2_);
  register_module("dropout", dropout_);
}

TransformerEncoderLayer::Result TransformerEncoderLayer::forward(const Var& x, const TransformerEncoderMasks& masks) {
  check_input("TransformerEncoderLayer", "input", x, options_.features);
  check_mask("TransformerEncoderLayer", "padding_mask", masks.padding_mask, {x.shape()[0], x.shape()[1]});
  const MultiHeadMasks attention_masks{.value_mask = masks.padding_mask, .use_causal_mask = masks.use_causal_mask,
                                       .return_attention_scores = masks.return_attention_scores};
  MultiHeadAttention::Vectors vectors;
  const auto attend = [&](const Var& input) {
    if (masks.return_query_key_vectors) vectors = self_attention_.query_key_vectors(input.value(), input.value());
    return self_attention_(input, input, attention_masks);
  };
  const auto feed_forward = [&](const Var& input) { return dropout_(feedforward2_(dropout_(feedforward1_(input)))); };
  if (options_.normalize_first) {
    const auto attended = attend((*norm1_)(x));
    const Var h = x + dropout_(attended.output);
    return {h + feed_forward((*norm2_)(h)), attended.weights, vectors};
  }
  const auto attended = attend(x);
  const Var h = (*norm1_)(x + dropout_(attended.output));
  return {(*norm2_)(h + feed_forward(h)), attended.weights, vectors};
}

TransformerDecoderLayer::TransformerDecoderLayer(const TransformerOptions& options, Generator& gen)
    : options_(checked("TransformerDecoderLayer", options)),
      self_attention_(attention_options(options_), gen),
      cross_attention_(attention_options(options_), gen),
      norm1_(make_norm("TransformerDecoderLayer", options_)),
      norm2_(make_norm("TransformerDecoderLayer", options_)),
      norm3_(make_norm("TransformerDecoderLayer", options_)),
      feedforward1_(options_.features, {.units = hidden_width(options_), .activation = options_.activation}, gen),
      feedforward2_(hidden_width(options_), {.units = options_.features}, gen),
      dropout_(options_.dropout, gen) {
  register_module("self_attention", self_attention_);
  register_module("cross_attention", cross_attention_);
  register_module("norm1", *norm1_);
  register_module("norm2", *norm2_);
  register_module("norm3", *norm3_);
  register_module("feedforward1", feedforward1_);
  register_module("feedforward2", feedforward2_);
  register_module("dropout", dropout_);
}

TransformerDecoderLayer::Result TransformerDecoderLayer::forward(const Var& x, const Var& memory,
                                                                 const TransformerDecoderMasks& masks) {
  check_input("TransformerDecoderLayer", "input", x, options_.features);
  check_input("TransformerDecoderLayer", "memory", memory, options_.features);
  check_mask("TransformerDecoderLayer", "target_mask", masks.target_mask, {x.shape()[0], x.shape()[1]});
  check_mask("TransformerDecoderLayer", "memory_mask", masks.memory_mask, {memory.shape()[0], memory.shape()[1]});
  if (memory.shape()[0] != x.shape()[0]) {
    throw_shape_error("TransformerDecoderLayer", "input {} and memory {}: batches differ", x.shape(), memory.shape());
  }
  MultiHeadAttention::Vectors self_vectors, cross_vectors;
  const auto self_attend = [&](const Var& input) {
    if (masks.return_query_key_vectors) self_vectors = self_attention_.query_key_vectors(input.value(), input.value());
    return self_attention_(input, input, {.value_mask = masks.target_mask, .use_causal_mask = true,
                                          .return_attention_scores = masks.return_attention_scores});
  };
  const auto cross_attend = [&](const Var& input) {
    if (masks.return_query_key_vectors) cross_vectors = cross_attention_.query_key_vectors(input.value(), memory.value());
    return cross_attention_(input, memory,
                            {.value_mask = masks.memory_mask, .return_attention_scores = masks.return_attention_scores});
  };
  const auto feed_forward = [&](const Var& input) { return dropout_(feedforward2_(dropout_(feedforward1_(input)))); };
  if (options_.normalize_first) {
    const auto self = self_attend((*norm1_)(x));
    const Var h1 = x + dropout_(self.output);
    const auto cross = cross_attend((*norm2_)(h1));
    const Var h2 = h1 + dropout_(cross.output);
    return {h2 + feed_forward((*norm3_)(h2)), self.weights, cross.weights, self_vectors, cross_vectors};
  }
  const auto self = self_attend(x);
  const Var h1 = (*norm1_)(x + dropout_(self.output));
  const auto cross = cross_attend(h1);
  const Var h2 = (*norm2_)(h1 + dropout_(cross.output));
  return {(*norm3_)(h2 + feed_forward(h2)), self.weights, cross.weights, self_vectors, cross_vectors};
}

TransformerDecoderLayer::Result TransformerDecoderLayer::step(const Tensor& position, const Tensor& memory,
                                                              TransformerDecoderCache& cache,
                                                              const TransformerDecoderMasks& masks) {
  check_input("TransformerDecoderLayer.step", "position", Var(position), options_.features);
  check_input("TransformerDecoderLayer.step", "memory", Var(memory), options_.features);
  check_mask("TransformerDecoderLayer.step", "memory_mask", masks.memory_mask, {memory.dim(0), memory.dim(1)});
  check_mask("TransformerDecoderLayer.step", "target_mask", masks.target_mask, {position.dim(0), cache.self.length() + 1});
  const NoGradGuard no_graph;
  // forward's lines, with dropout left out and each attention reading its cache.
  const auto self_attend = [&](const Var& input) {
    return self_attention_.step(input.value(), cache.self, masks.target_mask);
  };
  const auto cross_attend = [&](const Var& input) {
    return cross_attention_.step_over_memory(input.value(), memory, cache.cross, masks.memory_mask);
  };
  const auto feed_forward = [&](const Var& input) { return feedforward2_(feedforward1_(input)); };
  const Var x(position);
  if (options_.normalize_first) {
    const auto self = self_attend((*norm1_)(x));
    const Var h1 = x + self.output;
    const auto cross = cross_attend((*norm2_)(h1));
    const Var h2 = h1 + cross.output;
    return {h2 + feed_forward((*norm3_)(h2)), self.weights, cross.weights, {}, {}};
  }
  const auto self = self_attend(x);
  const Var h1 = (*norm1_)(x + self.output);
  const auto cross = cross_attend(h1);
  const Var h2 = (*norm2_)(h1 + cross.output);
  return {(*norm3_)(h2 + feed_forward(h2)), self.weights, cross.weights, {}, {}};
}

Tensor positional_encoding(Index length, Index d_model) {
  if (length < 0 || d_model < 1) {
    throw_argument_error("positional_encoding", "length {} must be >= 0 and d_model {} >= 1", length, d_model);
  }
  Tensor encoding = zeros({length, d_model});
  for (Index p = 0; p < length; ++p) {
    for (Index f = 0; f < d_model; ++f) {
      const double pair = static_cast<double>(f - f % 2);  // 2i
      const double angle = static_cast<double>(p) / std::pow(10000.0, pair / static_cast<double>(d_model));
      encoding.at({p, f}) = static_cast<Real>(f % 2 == 0 ? std::sin(angle) : std::cos(angle));
    }
  }
  return encoding;
}

}  // namespace atto
