#include "nn/nn.h"
#include "tests/check_throws.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

namespace {

MultiHeadAttentionOptions small_options() {
  MultiHeadAttentionOptions o;
  o.num_heads = 2;
  o.key_dim = 3;
  o.value_dim = 2;
  o.query_features = 4;
  o.value_features = 5;
  o.output_shape = {6};
  return o;
}

Tensor parameter(const Module& m, const std::string& name) {
  for (const auto& [n, p] : m.named_parameters()) {
    if (n == name) return p.value();
  }
  FAIL("no parameter " << name);
  return Tensor();
}

// The layer's formula with explicit loops over batch, head, i and j.
Tensor reference(const MultiHeadAttention& mha, const Tensor& xq, const Tensor& xv, const Tensor& attend) {
  const auto project = [&](const Tensor& x, const char* name) {
    return matmul(x, parameter(mha, std::string(name) + ".kernel")) + parameter(mha, std::string(name) + ".bias");
  };
  const Tensor q = project(xq, "query"), k = project(xv, "key"), v = project(xv, "value");
  const Index batch = xq.shape()[0], tq = xq.shape()[1], tv = xv.shape()[1], heads = 2, kd = 3, vd = 2;
  Tensor joined = zeros({batch, tq, heads * vd});
  for (Index b = 0; b < batch; ++b) {
    for (Index h = 0; h < heads; ++h) {
      for (Index i = 0; i < tq; ++i) {
        std::vector<double> w(tv);
        double top = -1e300, total = 0;
        bool any = false;
        for (Index j = 0; j < tv; ++j) {
          double s = 0;
          for (Index c = 0; c < kd; ++c) s += q.at({b, i, h * kd + c}) * k.at({b, j, h * kd + c});
          s /= std::sqrt(3.0);
          const bool ok = attend.numel() == 0 || attend.at({b, i, j}) != 0;
          any = any || ok;
          w[j] = ok ? s : s - 1e9;
          top = std::max(top, w[j]);
        }
        for (double& x : w) total += (x = std::exp(x - top));
        for (Index j = 0; j < tv; ++j) {
          for (Index c = 0; c < vd; ++c) joined.at({b, i, h * vd + c}) += any ? w[j] / total * v.at({b, j, h * vd + c}) : 0;
        }
      }
    }
  }
  return matmul(joined, parameter(mha, "output.kernel")) + parameter(mha, "output.bias");
}

}  // namespace

TEST_CASE("MultiHeadAttention: parameters and shapes") {
  MultiHeadAttention mha(small_options());
  std::vector<std::string> names;
  for (const auto& [name, _] : mha.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"query.kernel", "query.bias", "key.kernel", "key.bias", "value.kernel",
                                          "value.bias", "output.kernel", "output.bias"});
  CHECK(parameter(mha, "query.kernel").shape() == Shape{4, 6});
  CHECK(parameter(mha, "value.kernel").shape() == Shape{5, 4});
  CHECK(parameter(mha, "output.kernel").shape() == Shape{4, 6});
  const auto result = mha(Var(zeros({2, 3, 4})), Var(zeros({2, 7, 5})), {.return_attention_scores = true});
  CHECK(result.output.shape() == Shape{2, 3, 6});
  CHECK(result.weights.shape() == Shape{2, 2, 3, 7});
  CHECK(mha(Var(zeros({2, 3, 4})), Var(zeros({2, 7, 5}))).weights.numel() == 0);  // the fused path keeps none
}

TEST_CASE("MultiHeadAttention: output_shape is a shape, as in Keras: the projection reshaped") {
  Generator gen(56);
  MultiHeadAttentionOptions options = small_options();
  options.output_shape = {2, 3};
  MultiHeadAttention shaped(options, gen);
  CHECK(parameter(shaped, "output.kernel").shape() == Shape{4, 6});
  const Tensor xq = gen.normal({2, 3, 4}), xv = gen.normal({2, 7, 5});
  for (bool composed : {false, true}) {
    const Var out = shaped(Var(xq), Var(xv), {.return_attention_scores = composed}).output;
    CHECK(out.shape() == Shape{2, 3, 2, 3});
  }
  options.output_shape = {2, 0};
  CHECK_THROWS_WITH_AS(MultiHeadAttention{options}, "MultiHeadAttention: output_shape (2,0) must hold sizes >= 1",
                       ArgumentError);
  options.output_shape = {};
  options.value_dim = -1;
  CHECK_THROWS_WITH_AS(MultiHeadAttention{options}, "MultiHeadAttention: value_dim -1 must be >= 1, or 0 for its default",
                       ArgumentError);
  options.value_dim = 0;
  options.num_heads = Index{1} << 40;
  options.key_dim = Index{1} << 40;
  CHECK_THROWS_WITH_AS(MultiHeadAttention{options},
                       "MultiHeadAttention: a query kernel of 4 x 1099511627776 x 1099511627776 has too many elements to "
                       "count",
                       ArgumentError);
}

TEST_CASE("MultiHeadAttention: matches the formula, with and without masks") {
  Generator gen(51);
  MultiHeadAttention mha(small_options(), gen);
  for (auto& [name, p] : mha.named_parameters()) {
    if (name.ends_with("bias")) p.mutable_value() = gen.normal(p.shape());
  }
  const Tensor xq = gen.normal({2, 3, 4}), xv = gen.normal({2, 4, 5});
  CHECK(allclose(mha(Var(xq), Var(xv)).output.value(), reference(mha, xq, xv, Tensor()), 1e-10, 1e-12));
  MultiHeadMasks masks;
  masks.value_mask = tensor({{1, 1, 0, 1}, {1, 0, 1, 1}});
  masks.query_mask = tensor({{1, 1, 1}, {1, 0, 1}});
  masks.use_causal_mask = true;
  // The same masks ANDed by hand: (B, Tq, Tv).
  Tensor attend = zeros({2, 3, 4});
  for (Index b = 0; b < 2; ++b)
    for (Index i = 0; i < 3; ++i)
      for (Index j = 0; j < 4; ++j)
        attend.at({b, i, j}) = masks.value_mask.at({b, j}) * masks.query_mask.at({b, i}) * (j <= i ? 1 : 0);
  for (bool composed : {false, true}) {
    CAPTURE(composed);
    masks.return_attention_scores = composed;
    const auto result = mha(Var(xq), Var(xv), masks);
    CHECK(allclose(result.output.value(), reference(mha, xq, xv, attend), 1e-10, 1e-12));
    // The same pattern given as one explicit attention mask.
    MultiHeadMasks explicit_mask;
    explicit_mask.attention_mask = attend;
    explicit_mask.return_attention_scores = composed;
    CHECK(allclose(mha(Var(xq), Var(xv), explicit_mask).output.value(), result.output.value(), 1e-12, 1e-12));
  }
}

TEST_CASE("MultiHeadAttention: the fused path and the composed one agree, outputs and every gradient") {
  Generator gen(54);
  MultiHeadAttentionOptions options = small_options();
  options.key_features = 3;
  MultiHeadAttention mha(options, gen);
  const Tensor xq = gen.normal({2, 3, 4}), xv = gen.normal({2, 5, 5}), xk = gen.normal({2, 5, 3});
  const Tensor upstream = gen.normal({2, 3, 6});
  MultiHeadMasks none, value_and_causal, everything;
  value_and_causal.value_mask = tensor({{1, 0, 1, 1, 0}, {1, 1, 1, 1, 1}});
  value_and_causal.use_causal_mask = true;
  everything.value_mask = tensor({{0, 0, 1, 1, 1}, {1, 1, 0, 1, 1}});
  everything.query_mask = tensor({{1, 0, 1}, {1, 1, 1}});  // row (0, 1) sees nothing
  everything.attention_mask = greater(gen.uniform({2, 3, 5}), full({1}, Real(0.3)));
  everything.use_causal_mask = true;
  for (MultiHeadMasks masks : {none, value_and_causal, everything}) {
    std::vector<Tensor> outputs, gradients;
    for (bool composed : {false, true}) {
      mha.zero_grad();
      Var q(xq, true), v(xv, true), k(xk, true);
      masks.key = k;
      masks.return_attention_scores = composed;
      const Var output = mha(q, v, masks).output;
      sum(output * Var(upstream)).backward();
      outputs.push_back(output.value());
      for (const Var& leaf : {q, v, k}) gradients.push_back(leaf.grad());
      for (const auto& [name, p] : mha.named_parameters()) gradients.push_back(p.grad());
    }
    CHECK(all_finite(outputs[0]));
    CHECK(allclose(outputs[0], outputs[1], 1e-12, 1e-12));
    const std::size_t half = gradients.size() / 2;
    for (std::size_t i = 0; i < half; ++i) {
      CAPTURE(i);
      CHECK(allclose(gradients[i], gradients[half + i], 1e-12, 1e-12));
    }
  }
}

TEST_CASE("MultiHeadAttention: decoding step by step from a cache gives the causal forward's rows") {
  Generator gen(55);
  MultiHeadAttention self({.num_heads = 2, .key_dim = 3, .query_features = 4}, gen);
  MultiHeadAttention cross({.num_heads = 2, .key_dim = 3, .query_features = 4, .value_features = 5}, gen);
  const Tensor x = gen.normal({2, 4, 4}), memory = gen.normal({2, 6, 5});
  const Tensor memory_mask = tensor({{1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, 1}});
  const auto whole_self = self(Var(x), Var(x), {.use_causal_mask = true, .return_attention_scores = true});
  const auto whole_cross = cross(Var(x), Var(memory), {.value_mask = memory_mask, .return_attention_scores = true});
  KeyValueCache self_cache, cross_cache;
  for (Index t = 0; t < 4; ++t) {
    CAPTURE(t);
    const Tensor position = slice(x, 1, t, t + 1);
    const auto by_step = self.step(position, self_cache);
    CHECK(self_cache.length() == t + 1);
    CHECK(allclose(by_step.output.value(), slice(whole_self.output.value(), 1, t, t + 1), 1e-12, 1e-12));
    CHECK(allclose(by_step.weights.value(),
                   slice(slice(whole_self.weights.value(), 2, t, t + 1), 3, 0, t + 1), 1e-12, 1e-12));
    const auto over_memory = cross.step_over_memory(position, memory, cross_cache, memory_mask);
    CHECK(cross_cache.length() == 6);
    CHECK(allclose(over_memory.output.value(), slice(whole_cross.output.value(), 1, t, t + 1), 1e-12, 1e-12));
  }
  CHECK_THROWS_AS(self.step(zeros({3, 1, 4}), self_cache), ShapeError);  // another batch than the cache's
  CHECK_THROWS_AS(cross.step_over_memory(zeros({2, 1, 4}), zeros({2, 6, 4}), cross_cache), ShapeError);
}

TEST_CASE("MultiHeadAttention: a row with nothing to attend to has zero weights and no NaN") {
  Generator gen(52);
  MultiHeadAttention mha(small_options(), gen);
  Var xq(gen.normal({1, 2, 4}), true), xv(gen.normal({1, 3, 5}), true);
  MultiHeadMasks masks;
  masks.query_mask = tensor({{0, 1}});
  for (bool composed : {false, true}) {
    masks.return_attention_scores = composed;
    xq.zero_grad();
    xv.zero_grad();
    const auto result = mha(xq, xv, masks);
    if (composed) {
      for (Index h = 0; h < 2; ++h)
        for (Index j = 0; j < 3; ++j) CHECK(result.weights.value().at({0, h, 0, j}) == 0);
    }
    // The output is the output projection's bias alone.
    CHECK(allclose(slice(result.output.value(), 1, 0, 1).reshape({6}), parameter(mha, "output.bias"), 0, 0));
    sum(result.output).backward();
    CHECK(all_finite(xq.grad()));
    CHECK(all_finite(xv.grad()));
  }
}

TEST_CASE("MultiHeadAttention: gradients pass gradcheck") {
  Generator gen(53);
  MultiHeadAttentionOptions options = small_options();
  options.key_features = 3;
  MultiHeadAttention mha(options, gen);
  MultiHeadMasks masks;
  masks.value_mask = tensor({{1, 0, 1}, {1, 1, 1}});
  masks.use_causal_mask = true;
  const std::vector<Tensor> inputs{gen.normal({2, 3, 4}), gen.normal({2, 3, 5}), gen.normal({2, 3, 3})};
  for (bool composed : {false, true}) {
    CAPTURE(composed);
    masks.return_attention_scores = composed;
    const GradcheckResult result = gradcheck(
        "MultiHeadAttention",
        [&](const std::vector<Var>& x) {
          MultiHeadMasks with_key = masks;
          with_key.key = x[2];
          return mha(x[0], x[1], with_key).output * Var(arange(36).reshape({2, 3, 6}));
        },
        inputs);
    CAPTURE(result.report());
    CHECK(result.passed);
  }
}

TEST_CASE("MultiHeadAttention: errors name the shapes") {
  MultiHeadAttentionOptions bad;
  CHECK_THROWS_WITH_AS(MultiHeadAttention{bad},
                       "MultiHeadAttention: num_heads 1, key_dim 0, query_features 0: each must be >= 1", ArgumentError);
  MultiHeadAttention mha(small_options());
  MultiHeadMasks masks;
  masks.value_mask = ones({2, 5});
  CHECK_THROWS_WITH_AS(mha(Var(zeros({2, 3, 4})), Var(zeros({2, 4, 5})), masks),
                       "MultiHeadAttention: value_mask (2,5): need (2,4)", ShapeError);
  CHECK_THROWS_AS(mha(Var(zeros({2, 3, 4})), Var(zeros({3, 4, 5}))), ShapeError);
  CHECK_THROWS_AS(mha(Var(zeros({2, 3, 7})), Var(zeros({2, 4, 5}))), ShapeError);
}

TEST_CASE("multi-head attention: the query and key vectors give the weights, scale * q . k through a softmax") {
  Generator gen(3);
  MultiHeadAttention attention({.num_heads = 2, .key_dim = 3, .query_features = 4}, gen);
  const Tensor x = gen.normal({1, 5, 4});
  const Tensor weights = attention(Var(x), Var(x), {.return_attention_scores = true}).weights.value();
  const MultiHeadAttention::Vectors vectors = attention.query_key_vectors(x, x);
  CHECK(vectors.queries.shape() == Shape{1, 2, 5, 3});
  CHECK(vectors.keys.shape() == Shape{1, 2, 5, 3});
  CHECK(vectors.scale == doctest::Approx(1 / std::sqrt(3.0)));
  const Tensor scores = matmul(vectors.queries, vectors.keys, Transpose::b) * vectors.scale;
  CHECK(max(abs(softmax(scores) - weights)).item() < 1e-12);
  check_throws<ShapeError>([&] { (void)attention.query_key_vectors(x, gen.normal({1, 5, 3})); },
                           "MultiHeadAttention::query_key_vectors: query (1,5,4), key (1,5,3): need (B,Tq,4) and (B,Tv,4)");
}
