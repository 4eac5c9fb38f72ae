#include "nn/nn.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

namespace {

// Keras's Attention written as plain loops, one (b, i) row at a time.
Tensor reference(const Tensor& q, const Tensor& k, const Tensor& v, AttentionScore mode, Real scale, Real weight,
                 const Tensor& value_mask, bool causal, const Tensor& query_mask) {
  const Index batch = q.shape()[0], tq = q.shape()[1], tv = v.shape()[1], d = q.shape()[2], dv = v.shape()[2];
  Tensor out = zeros({batch, tq, dv});
  for (Index b = 0; b < batch; ++b) {
    for (Index i = 0; i < tq; ++i) {
      std::vector<double> s(tv);
      double top = -1e300;
      for (Index j = 0; j < tv; ++j) {
        double score = 0;
        for (Index c = 0; c < d; ++c) {
          score += mode == AttentionScore::dot ? q.at({b, i, c}) * k.at({b, j, c})
                                               : std::tanh(scale * (q.at({b, i, c}) + k.at({b, j, c})));
        }
        score = mode == AttentionScore::dot ? score * scale : score * weight;
        const bool masked = (value_mask.numel() > 0 && value_mask.at({b, j}) == 0) || (causal && j > i);
        s[j] = masked ? score - 1e9 : score;
        top = std::max(top, s[j]);
      }
      double total = 0;
      for (double& x : s) total += (x = std::exp(x - top));
      const bool keep = query_mask.numel() == 0 || query_mask.at({b, i}) != 0;
      for (Index j = 0; j < tv; ++j) {
        for (Index c = 0; c < dv; ++c) out.at({b, i, c}) += keep ? s[j] / total * v.at({b, j, c}) : 0;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("Attention: matches the Keras formula, dot and concat, with every mask") {
  Generator gen(31);
  const Tensor q = gen.normal({2, 4, 3}), k = gen.normal({2, 5, 3}), v = gen.normal({2, 5, 2});
  const Tensor value_mask = tensor({{1, 1, 0, 1, 1}, {1, 0, 0, 0, 1}});
  const Tensor query_mask = tensor({{1, 1, 1, 0}, {1, 1, 1, 1}});
  for (AttentionScore mode : {AttentionScore::dot, AttentionScore::concat}) {
    for (bool causal : {false, true}) {
      CAPTURE(static_cast<int>(mode));
      CAPTURE(causal);
      Attention attention({.use_scale = true, .score_mode = mode});
      attention.named_parameters()[0].second.mutable_value().fill(0.7);  // a learned scale away from 1
      if (mode == AttentionScore::concat) attention.named_parameters()[1].second.mutable_value().fill(1.3);
      const auto result = attention(Var(q), Var(v), {.key = Var(k), .query_mask = query_mask, .value_mask = value_mask, .use_causal_mask = causal});
      const Tensor expected = reference(q, k, v, mode, 0.7, 1.3, value_mask, causal, query_mask);
      CHECK(allclose(result.output.value(), expected, 1e-10, 1e-12));
      CHECK(allclose(sum(result.weights.value(), -1), ones({2, 4}), 1e-12, 1e-12));
    }
  }
  // No use_scale: a plain dot product, no 1/sqrt(d) (Keras's behaviour).
  Attention plain;
  CHECK(plain.named_parameters().empty());
  CHECK(allclose(plain(Var(q), Var(v), {.key = Var(k)}).output.value(),
                 reference(q, k, v, AttentionScore::dot, 1, 1, Tensor(), false, Tensor()), 1e-10, 1e-12));
}

TEST_CASE("Attention: the key defaults to the value (self-attention when query is value too)") {
  const Tensor x = Generator(2).normal({1, 3, 4});
  Attention attention;
  CHECK(allclose(attention(Var(x), Var(x)).output.value(),
                 reference(x, x, x, AttentionScore::dot, 1, 1, Tensor(), false, Tensor()), 1e-10, 1e-12));
}

TEST_CASE("Attention: a fully masked row is a finite distribution, forward and backward") {
  const Tensor q = Generator(3).normal({1, 2, 3}), v = Generator(4).normal({1, 4, 3});
  Attention attention;
  Var query(q, true), value(v, true);
  const auto result = attention(query, value, {.value_mask = zeros({1, 4})});
  CHECK(all_finite(result.weights.value()));
  CHECK(allclose(sum(result.weights.value(), -1), ones({1, 2}), 1e-12, 1e-12));
  sum(result.output).backward();
  CHECK(all_finite(query.grad()));
  CHECK(all_finite(value.grad()));
}

TEST_CASE("Attention: gradients pass gradcheck, the learned scalars included") {
  Generator gen(5);
  const Tensor value_mask = tensor({{1, 0, 1}, {1, 1, 1}});
  for (AttentionScore mode : {AttentionScore::dot, AttentionScore::concat}) {
    CAPTURE(static_cast<int>(mode));
    Attention attention({.use_scale = true, .score_mode = mode});
    const GradcheckResult inputs = gradcheck(
        "Attention(q, k, v)",
        [&](const std::vector<Var>& x) {
          return attention(x[0], x[1], {.key = x[2], .value_mask = value_mask, .use_causal_mask = true}).output * Var(arange(12).reshape({2, 3, 2}));
        },
        {gen.normal({2, 3, 4}), gen.normal({2, 3, 2}), gen.normal({2, 3, 4})});
    CAPTURE(inputs.report());
    CHECK(inputs.passed);
    // The scalars: their gradients against central differences.
    const Tensor q = gen.normal({2, 3, 4}), v = gen.normal({2, 3, 2}), k = gen.normal({2, 3, 4});
    const auto loss = [&] {
      return sum(attention(Var(q), Var(v), {.key = Var(k)}).output * Var(arange(12).reshape({2, 3, 2})));
    };
    attention.zero_grad();
    loss().backward();
    for (auto& [name, parameter] : attention.named_parameters()) {
      CAPTURE(name);
      const Real saved = parameter.value().item();
      const Real eps = 1e-6;
      parameter.mutable_value().fill(saved + eps);
      const Real plus = loss().item();
      parameter.mutable_value().fill(saved - eps);
      const Real minus = loss().item();
      parameter.mutable_value().fill(saved);
      const Real numeric = (plus - minus) / (2 * eps);
      CHECK(parameter.grad().item() == doctest::Approx(numeric).epsilon(1e-6));
      CHECK(numeric != 0);
    }
  }
}

TEST_CASE("Attention: dropout on the weights in training only") {
  Generator gen(6);
  Attention attention({.dropout = 0.5}, gen);
  const Tensor x = Generator(7).normal({1, 6, 4});
  const auto trained = attention(Var(x), Var(x));
  Index zeros_seen = 0;
  for (Index i = 0; i < trained.weights.value().numel(); ++i) zeros_seen += trained.weights.value().data()[i] == 0;
  CHECK(zeros_seen > 0);
  attention.eval();
  CHECK(allclose(sum(attention(Var(x), Var(x)).weights.value(), -1), ones({1, 6}), 1e-12, 1e-12));
}

TEST_CASE("Attention: shape and mask errors name the shapes") {
  Attention attention;
  const Var q(zeros({2, 3, 4})), v(zeros({2, 5, 6}));
  CHECK_THROWS_WITH_AS(attention(Var(zeros({3, 4})), v),
                       "Attention: query (3,4), value (2,5,6), key (2,5,6): each must be (batch, time, features)",
                       ShapeError);
  CHECK_THROWS_WITH_AS(attention(q, v), "Attention: query (2,3,4), value (2,5,6), key (2,5,6): need query (B,Tq,d), "
                                        "value (B,Tv,dv), key (B,Tv,d)", ShapeError);
  const Var k(zeros({2, 5, 4}));
  CHECK_THROWS_WITH_AS(attention(q, v, {.key = k, .value_mask = ones({2, 4})}),
                       "Attention: value_mask (2,4): need (2,5)", ShapeError);
  CHECK_THROWS_WITH_AS(attention(q, v, {.key = k, .query_mask = ones({3, 3})}),
                       "Attention: query_mask (3,3): need (2,3)", ShapeError);
  CHECK_THROWS_AS(Attention({.dropout = 1}), ArgumentError);
}

TEST_CASE("AdditiveAttention: sum_k scale_k tanh(q + k), masks as in Attention") {
  Generator gen(41);
  const Tensor q = gen.normal({2, 3, 4}), k = gen.normal({2, 5, 4}), v = gen.normal({2, 5, 2});
  const Tensor value_mask = tensor({{1, 1, 0, 1, 1}, {1, 0, 1, 0, 1}});
  AdditiveAttention attention(4, {}, gen);
  const Tensor scale = attention.named_parameters()[0].second.value();
  CHECK(max(abs(scale)).item() <= std::sqrt(3.0 / 4));
  const auto result = attention(Var(q), Var(v), {.key = Var(k), .value_mask = value_mask});
  // Reference by loops.
  Tensor expected = zeros({2, 3, 2});
  for (Index b = 0; b < 2; ++b) {
    for (Index i = 0; i < 3; ++i) {
      std::vector<double> s(5);
      double total = 0;
      for (Index j = 0; j < 5; ++j) {
        double score = 0;
        for (Index c = 0; c < 4; ++c) score += scale.at({c}) * std::tanh(q.at({b, i, c}) + k.at({b, j, c}));
        s[j] = std::exp(value_mask.at({b, j}) != 0 ? score : score - 1e9);
        total += s[j];
      }
      for (Index j = 0; j < 5; ++j) {
        for (Index c = 0; c < 2; ++c) expected.at({b, i, c}) += s[j] / total * v.at({b, j, c});
      }
    }
  }
  CHECK(allclose(result.output.value(), expected, 1e-10, 1e-12));
  const GradcheckResult check = gradcheck(
      "AdditiveAttention",
      [&](const std::vector<Var>& x) {
        return attention(x[0], x[1], {.key = x[2], .use_causal_mask = true}).output * Var(arange(12).reshape({2, 3, 2}));
      },
      {q, gen.normal({2, 3, 2}), gen.normal({2, 3, 4})});
  CAPTURE(check.report());
  CHECK(check.passed);
  // The scale vector's gradient against central differences, element by element.
  attention.zero_grad();
  const auto loss = [&] { return sum(attention(Var(q), Var(v), {.key = Var(k)}).output * Var(arange(12).reshape({2, 3, 2}))); };
  loss().backward();
  Tensor& s = attention.named_parameters()[0].second.mutable_value();
  const Tensor analytic = attention.named_parameters()[0].second.grad();
  for (Index c = 0; c < 4; ++c) {
    const Real saved = s.data()[c];
    s.data()[c] = saved + 1e-6;
    const Real plus = loss().item();
    s.data()[c] = saved - 1e-6;
    const Real minus = loss().item();
    s.data()[c] = saved;
    CHECK(analytic.data()[c] == doctest::Approx((plus - minus) / 2e-6).epsilon(1e-6));
  }
  CHECK_THROWS_WITH_AS(attention(Var(zeros({1, 2, 3})), Var(zeros({1, 2, 3}))),
                       "AdditiveAttention: query (1,2,3) has 3 features, the layer was built for 4", ShapeError);
  CHECK(AdditiveAttention(4, {.use_scale = false}).named_parameters().empty());
}
