#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cstring>
#include <limits>

using namespace atto;

namespace {

struct Grads3 {
  Tensor out, dq, dk, dv;
};

template <class Fn>
Grads3 run(Fn attention, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& weights) {
  Var vq(q.clone(), true), vk(k.clone(), true), vv(v.clone(), true);
  Var out = attention(vq, vk, vv);
  sum(out * Var(weights)).backward();
  return {out.value(), vq.grad(), vk.grad(), vv.grad()};
}

}  // namespace

TEST_CASE("fused attention agrees with the composed one on random shapes, with and without masks") {
  Generator gen(61);
  const Shape shapes[][3] = {
      {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}},
      {{2, 5, 4}, {2, 7, 4}, {2, 7, 3}},
      {{2, 3, 6, 8}, {2, 3, 6, 8}, {2, 3, 6, 5}},
      {{4, 17, 16}, {4, 17, 16}, {4, 17, 16}},
      {{2, 70, 8}, {2, 130, 8}, {2, 130, 5}},  // across 64-row blocks and 64-key tiles, Tq != Tv
  };
  for (const auto& [sq, sk, sv] : shapes) {
    for (bool causal : {false, true}) {
      for (bool with_bias : {false, true}) {
        CAPTURE(to_string(sq));
        CAPTURE(causal);
        CAPTURE(with_bias);
        const Tensor q = gen.normal(sq), k = gen.normal(sk), v = gen.normal(sv);
        Shape score_shape = sq;
        score_shape[score_shape.rank() - 1] = sk[sk.rank() - 2];
        Tensor bias;
        if (with_bias) {
          bias = gen.uniform(score_shape, -2, 2);
          bias.data()[0] = -1e9;  // one masked position
        }
        Shape out_shape = sq;
        out_shape[out_shape.rank() - 1] = sv[sv.rank() - 1];
        const Tensor weights = gen.normal(out_shape);
        const Real scale = 1 / std::sqrt(static_cast<Real>(sq[sq.rank() - 1]));
        const Grads3 fused = run([&](const Var& a, const Var& b, const Var& c) {
          return scaled_dot_product_attention(a, b, c, scale, causal ? AttentionMask::causal : AttentionMask::none, bias);
        }, q, k, v, weights);
        const Grads3 composed = run([&](const Var& a, const Var& b, const Var& c) {
          return scaled_dot_product_attention_composed(a, b, c, scale, causal ? AttentionMask::causal : AttentionMask::none, bias);
        }, q, k, v, weights);
        CHECK(allclose(fused.out, composed.out, 1e-10, 1e-12));
        CHECK(allclose(fused.dq, composed.dq, 1e-9, 1e-11));
        CHECK(allclose(fused.dk, composed.dk, 1e-9, 1e-11));
        CHECK(allclose(fused.dv, composed.dv, 1e-9, 1e-11));
      }
    }
  }
}

TEST_CASE("fused attention: a row with every key masked gives 0 and no NaN") {
  const Real inf = std::numeric_limits<Real>::infinity();
  Generator gen(62);
  Tensor bias = zeros({1, 2, 3});
  for (Index j = 0; j < 3; ++j) bias.at({0, 1, j}) = -inf;
  Var q(gen.normal({1, 2, 4}), true), k(gen.normal({1, 3, 4}), true), v(gen.normal({1, 3, 2}), true);
  Var out = scaled_dot_product_attention(q, k, v, 0.5, AttentionMask::none, bias);
  CHECK(out.value().at({0, 1, 0}) == 0);
  CHECK(out.value().at({0, 1, 1}) == 0);
  sum(out).backward();
  CHECK(all_finite(q.grad()));
  CHECK(all_finite(k.grad()));
  Var composed = scaled_dot_product_attention_composed(Var(q.value()), Var(k.value()), Var(v.value()), 0.5, AttentionMask::none, bias);
  CHECK(allclose(composed.value(), out.value(), 1e-12, 1e-12));
}

TEST_CASE("fused attention: NaN in a query shows as NaN, as in the composed form; a NaN scale is refused by both") {
  Generator gen(63);
  const Tensor k = gen.normal({1, 3, 4}), v = gen.normal({1, 3, 2});
  Tensor q = gen.normal({1, 2, 4});
  q.at({0, 1, 2}) = std::nan("");
  const Tensor fused = scaled_dot_product_attention(Var(q), Var(k), Var(v), 0.5).value();
  const Tensor composed = scaled_dot_product_attention_composed(Var(q), Var(k), Var(v), 0.5).value();
  for (Index i = 0; i < 2; ++i) {
    for (Index c = 0; c < 2; ++c) {
      CAPTURE(i);
      CHECK(std::isnan(fused.at({0, i, c})) == std::isnan(composed.at({0, i, c})));
    }
  }
  CHECK(std::isnan(fused.at({0, 1, 0})));  // the row whose query holds NaN
  Var qv(q, true);
  sum(scaled_dot_product_attention(qv, Var(k), Var(v), 0.5)).backward();
  CHECK(std::isnan(qv.grad().at({0, 1, 0})));
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  CHECK_THROWS_WITH_AS(scaled_dot_product_attention(Var(k), Var(k), Var(v), nan),
                       "scaled_dot_product_attention: scale nan is not a finite number", ArgumentError);
  CHECK_THROWS_WITH_AS(scaled_dot_product_attention_composed(Var(k), Var(k), Var(v), nan),
                       "scaled_dot_product_attention_composed: scale nan is not a finite number", ArgumentError);
}

TEST_CASE("fused attention: +inf scores take all the weight, as in the composed form, forward and backward") {
  const Real inf = std::numeric_limits<Real>::infinity();
  Generator gen(64);
  const Tensor q = gen.normal({1, 3, 4}), k = gen.normal({1, 70, 4}), v = gen.normal({1, 70, 2});
  Tensor bias = zeros({1, 3, 70});
  bias.at({0, 0, 5}) = inf;                           // one +inf: a one-hot row
  bias.at({0, 1, 2}) = inf;                           // two, in different key tiles: shared
  bias.at({0, 1, 66}) = inf;
  for (Index j = 0; j < 70; ++j) bias.at({0, 2, j}) = j == 40 ? inf : -inf;  // +inf among -inf
  Var qf(q, true), kf(k, true), vf(v, true), qc(q, true), kc(k, true), vc(v, true);
  const Tensor weights_of_output = gen.normal({1, 3, 2});
  Var fused = scaled_dot_product_attention(qf, kf, vf, 0.5, AttentionMask::none, bias);
  Var composed = scaled_dot_product_attention_composed(qc, kc, vc, 0.5, AttentionMask::none, bias);
  CHECK(allclose(fused.value(), composed.value(), 1e-6, 1e-6));
  sum(fused * Var(weights_of_output)).backward();
  sum(composed * Var(weights_of_output)).backward();
  CHECK(all_finite(qf.grad()));
  CHECK(allclose(qf.grad(), qc.grad(), 1e-5, 1e-5));
  CHECK(allclose(kf.grad(), kc.grad(), 1e-5, 1e-5));
  CHECK(allclose(vf.grad(), vc.grad(), 1e-5, 1e-5));
}

TEST_CASE("fused attention: bitwise identical on 1 and 2 threads, forward and backward") {
  const int saved = num_threads();
  Generator gen(63);
  const Tensor q = gen.normal({8, 64, 32}), k = gen.normal({8, 64, 32}), v = gen.normal({8, 64, 32});
  const Tensor weights = gen.normal({8, 64, 32});
  const auto attention = [](const Var& a, const Var& b, const Var& c) {
    return scaled_dot_product_attention(a, b, c, 0.2, AttentionMask::causal);
  };
  set_yield_to_other_programs(false);  // two threads even while other tests run
  set_num_threads(1);
  const Grads3 one = run(attention, q, k, v, weights);
  set_num_threads(2);
  const Grads3 two = run(attention, q, k, v, weights);
  set_num_threads(saved);
  set_yield_to_other_programs(true);
  for (auto [a, b] : {std::pair{one.out, two.out}, {one.dq, two.dq}, {one.dk, two.dk}, {one.dv, two.dv}}) {
    CHECK(std::memcmp(a.data(), b.data(), sizeof(Real) * a.numel()) == 0);
  }
}

TEST_CASE("fused attention: shape errors") {
  const Var q(zeros({2, 3, 4})), k(zeros({2, 5, 4})), v(zeros({2, 5, 6}));
  CHECK_THROWS_WITH_AS(scaled_dot_product_attention(q, Var(zeros({2, 5, 3})), v, 1),
                       "scaled_dot_product_attention: q (2,3,4), k (2,5,3), v (2,5,6): need (..., Tq, d), (..., Tv, d), "
                       "(..., Tv, dv)", ShapeError);
  CHECK_THROWS_AS(scaled_dot_product_attention(q, k, Var(zeros({2, 4, 6})), 1), ShapeError);
  CHECK_THROWS_AS(scaled_dot_product_attention(q, k, Var(zeros({5, 6})), 1), ShapeError);
  CHECK_THROWS_WITH_AS(scaled_dot_product_attention(q, k, v, 1, AttentionMask::none, zeros({2, 3, 4})),
                       "scaled_dot_product_attention: bias (2,3,4) for scores (2,3,5)", ShapeError);
}

TEST_CASE("fused attention: a bias shared by every head broadcasts, as in the composed form") {
  Generator gen(5);
  const Tensor q = gen.normal({2, 3, 4, 5}), k = gen.normal({2, 3, 6, 5}), v = gen.normal({2, 3, 6, 2});
  const Tensor bias = gen.uniform({2, 1, 4, 6}, -2, 2);
  const Tensor shared = scaled_dot_product_attention(Var(q), Var(k), Var(v), 0.4, AttentionMask::none, bias).value();
  const Tensor spelled_out = scaled_dot_product_attention(Var(q), Var(k), Var(v), 0.4, AttentionMask::none, expand(bias, {2, 3, 4, 6})).value();
  CHECK(allclose(shared, spelled_out, 0, 0));
  CHECK_THROWS_WITH_AS(scaled_dot_product_attention(Var(q), Var(k), Var(v), 0.4, AttentionMask::none, zeros({3, 1, 4, 6})),
                       "scaled_dot_product_attention: bias (3,1,4,6) for scores (2,3,4,6)", ShapeError);
}
