#include "nn/nn.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

TEST_CASE("TransformerEncoderLayer and TransformerDecoderLayer: whole-block gradient checks, pre- and post-norm") {
  for (bool normalize_first : {true, false}) {
    CAPTURE(normalize_first);
    Generator gen(21);
    const TransformerOptions options{.features = 4, .num_heads = 2, .intermediate_dim = 5, .normalize_first = normalize_first};
    TransformerEncoderLayer encoder(options, gen);
    TransformerDecoderLayer decoder(options, gen);
    const Tensor memory_mask = tensor({{1, 1, 0}, {1, 1, 1}});
    const GradcheckResult encoded = gradcheck(
        "encoder", [&](const std::vector<Var>& v) { return encoder(v[0], {.padding_mask = memory_mask}).output; }, {gen.normal({2, 3, 4})});
    CAPTURE(encoded.report());
    CHECK(encoded.passed);
    const GradcheckResult decoded = gradcheck(
        "decoder", [&](const std::vector<Var>& v) { return decoder(v[0], v[1], {.memory_mask = memory_mask}).output; },
        {gen.normal({2, 2, 4}), gen.normal({2, 3, 4})});
    CAPTURE(decoded.report());
    CHECK(decoded.passed);
  }
}

TEST_CASE("TransformerDecoderLayer: decoding step by step from a cache gives forward's rows, pre- and post-norm") {
  for (bool normalize_first : {true, false}) {
    CAPTURE(normalize_first);
    Generator gen(23);
    TransformerDecoderLayer decoder({.features = 4, .num_heads = 2, .intermediate_dim = 6, .normalize_first = normalize_first}, gen);
    const Tensor x = gen.normal({2, 5, 4}), memory = gen.normal({2, 3, 4});
    const Tensor memory_mask = tensor({{1, 1, 0}, {1, 1, 1}});
    const auto whole = decoder(Var(x), Var(memory), {.memory_mask = memory_mask, .return_attention_scores = true});
    TransformerDecoderCache cache;
    for (Index t = 0; t < 5; ++t) {
      CAPTURE(t);
      const auto step = decoder.step(slice(x, 1, t, t + 1), memory, cache, {.memory_mask = memory_mask});
      CHECK(cache.self.length() == t + 1);
      CHECK(allclose(step.output.value(), slice(whole.output.value(), 1, t, t + 1), 1e-12, 1e-12));
      CHECK(allclose(step.cross_weights.value(), slice(whole.cross_weights.value(), 2, t, t + 1), 1e-12, 1e-12));
    }
    CHECK_THROWS_AS(decoder.step(zeros({2, 1, 3}), memory, cache), ShapeError);
  }
}

TEST_CASE("TransformerDecoderLayer: causal (a later target changes no earlier output), padding ignored") {
  Generator gen(22);
  TransformerDecoderLayer decoder({.features = 4, .num_heads = 2}, gen);
  const Tensor x = gen.normal({1, 4, 4}), memory = gen.normal({1, 3, 4});
  const Tensor memory_mask = tensor({{1, 1, 0}});
  const Tensor base = decoder(Var(x), Var(memory), {.memory_mask = memory_mask}).output.value();
  Tensor later = x.clone();
  later.at({0, 3, 0}) += 5;  // the last target position only
  const Tensor changed = decoder(Var(later), Var(memory), {.memory_mask = memory_mask}).output.value();
  CHECK(allclose(slice(changed, 1, 0, 3), slice(base, 1, 0, 3), 1e-12, 1e-12));
  CHECK_FALSE(allclose(slice(changed, 1, 3, 4), slice(base, 1, 3, 4), 1e-6, 1e-6));
  Tensor padded = memory.clone();
  padded.at({0, 2, 1}) -= 7;  // a masked memory position
  CHECK(allclose(decoder(Var(x), Var(padded), {.memory_mask = memory_mask}).output.value(), base, 1e-12, 1e-12));
  const auto result = decoder(Var(x), Var(memory), {.memory_mask = memory_mask, .return_attention_scores = true});
  CHECK(result.cross_weights.shape() == Shape{1, 2, 4, 3});
  CHECK(max(slice(result.cross_weights.value(), 3, 2, 3)).item() < 1e-12);
  CHECK(max(slice(slice(result.self_weights.value(), 2, 0, 1), 3, 1, 4)).item() < 1e-12);
}

TEST_CASE("Transformer layers: the query and key vectors they return give their weights, pre- and post-norm") {
  for (bool normalize_first : {true, false}) {
    CAPTURE(normalize_first);
    Generator gen(24);
    const TransformerOptions options{.features = 4, .num_heads = 2, .intermediate_dim = 5, .normalize_first = normalize_first};
    TransformerEncoderLayer encoder(options, gen);
    TransformerDecoderLayer decoder(options, gen);
    const Tensor x = gen.normal({1, 3, 4}), memory = gen.normal({1, 5, 4});
    const auto weights_of = [](const MultiHeadAttention::Vectors& v) {
      return softmax(matmul(v.queries, v.keys, Transpose::b) * v.scale);
    };
    const auto encoded = encoder(Var(x), {.return_attention_scores = true, .return_query_key_vectors = true});
    CHECK(encoded.vectors.queries.shape() == Shape{1, 2, 3, 2});
    CHECK(max(abs(weights_of(encoded.vectors) - encoded.weights.value())).item() < 1e-12);
    const auto decoded = decoder(Var(x), Var(memory), {.return_attention_scores = true, .return_query_key_vectors = true});
    CHECK(decoded.cross_vectors.keys.shape() == Shape{1, 2, 5, 2});
    CHECK(max(abs(weights_of(decoded.cross_vectors) - decoded.cross_weights.value())).item() < 1e-12);
    // The self-attention is causal: the vectors give the weights once the
    // mask is applied, here the upper triangle's scores set to -inf.
    Tensor scores = matmul(decoded.self_vectors.queries, decoded.self_vectors.keys, Transpose::b) * decoded.self_vectors.scale;
    for (Index h = 0; h < 2; ++h)
      for (Index i = 0; i < 3; ++i)
        for (Index j = i + 1; j < 3; ++j) scores.at({0, h, i, j}) = -INFINITY;
    CHECK(max(abs(softmax(scores) - decoded.self_weights.value())).item() < 1e-12);
    CHECK(encoder(Var(x)).vectors.queries.numel() == 0);
  }
}

TEST_CASE("Transformer layers: options and shapes they refuse, named in the message") {
  CHECK_THROWS_WITH_AS(TransformerEncoderLayer({.features = 6, .num_heads = 4}),
                       "TransformerEncoderLayer: features 6 must be a positive multiple of num_heads 4, intermediate_dim 0 >= 0",
                       ArgumentError);
  CHECK_THROWS_AS(TransformerDecoderLayer({.features = 4, .num_heads = 2, .dropout = 1}), ArgumentError);
  TransformerEncoderLayer encoder({.features = 4, .num_heads = 2});
  CHECK_THROWS_WITH_AS(encoder(Var(zeros({2, 3, 5}))),
                       "TransformerEncoderLayer: input (2,3,5) is not (batch, length, 4)", ShapeError);
  TransformerDecoderLayer decoder({.features = 4, .num_heads = 2});
  CHECK_THROWS_WITH_AS(decoder(Var(zeros({2, 3, 4})), Var(zeros({2, 3}))),
                       "TransformerDecoderLayer: memory (2,3) is not (batch, length, 4)", ShapeError);
  CHECK_THROWS_AS(encoder(Var(zeros({2, 3, 4})), {.padding_mask = zeros({2, 4})}), ShapeError);  // a mask of the wrong length
  CHECK(encoder.named_parameters().size() == 4 * 2 + 2 * 2 + 2 * 2);
}

namespace {

// RMSNorm (Zhang and Sennrich, 2019), y = x / sqrt(mean(x^2) + eps) * scale:
// a normalisation written outside the library, for the norm option.
struct RMSNorm : Layer {
  explicit RMSNorm(Index features) : scale(ones({features}), true) { register_parameter("scale", scale); }
  Var forward(const Var& x) override { return x * pow(mean(x * x, -1, true) + 1e-6, -0.5) * scale; }
  std::string type_name() const override { return "RMSNorm"; }
  Var scale;
};

}  // namespace

TEST_CASE("Transformer layers: the norm option swaps LayerNorm for the user's own, gradients and all") {
  int made = 0;
  const TransformerOptions options{.features = 4, .num_heads = 2, .norm = [&](Index features) {
                                     ++made;
                                     CHECK(features == 4);
                                     return std::make_unique<RMSNorm>(features);
                                   }};
  Generator gen(23);
  TransformerEncoderLayer encoder(options, gen);
  TransformerDecoderLayer decoder(options, gen);
  CHECK(made == 5);
  std::vector<std::string> norms;
  for (const auto& [name, _] : decoder.named_parameters()) {
    if (name.starts_with("norm")) norms.push_back(name);
  }
  CHECK(norms == std::vector<std::string>{"norm1.scale", "norm2.scale", "norm3.scale"});
  CHECK(encoder.summary().find("norm2 (RMSNorm)") != std::string::npos);
  const GradcheckResult checked = gradcheck(
      "encoder", [&](const std::vector<Var>& v) { return encoder(v[0]).output; }, {gen.normal({1, 3, 4})});
  CAPTURE(checked.report());
  CHECK(checked.passed);
  // The default is LayerNorm, and a factory that returns nothing is refused.
  CHECK(TransformerEncoderLayer({.features = 4}).summary().find("norm1 (LayerNorm)") != std::string::npos);
  CHECK_THROWS_WITH_AS(TransformerEncoderLayer({.features = 4, .norm = [](Index) { return std::unique_ptr<Layer>(); }}),
                       "TransformerEncoderLayer: the norm option returned no layer for 4 features", ArgumentError);
}

TEST_CASE("positional_encoding: sin and cos clocks, position 0 is (0, 1, 0, 1, ...)") {
  const Tensor pe = positional_encoding(50, 8);
  CHECK(pe.shape() == Shape{50, 8});
  CHECK(allclose(slice(pe, 0, 0, 1), tensor({{0, 1, 0, 1, 0, 1, 0, 1}}), 0, 0));
  CHECK(pe.at({3, 0}) == doctest::Approx(std::sin(3.0)));
  CHECK(pe.at({3, 3}) == doctest::Approx(std::cos(3.0 / std::pow(10000.0, 2.0 / 8))));
  CHECK(max(abs(pe)).item() <= 1);
  CHECK_THROWS_AS(positional_encoding(4, 0), ArgumentError);
  CHECK(positional_encoding(0, 4).shape() == Shape{0, 4});
}
