#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace atto;

namespace {

// Gradient of sum(weights * fn(x)) with respect to x.
Tensor gradient_of(const std::function<Var(const Var&)>& fn, const Tensor& x, const Tensor& weights) {
  Var leaf(x.clone(), true);
  sum(fn(leaf) * Var(weights)).backward();
  return leaf.grad();
}

}  // namespace

TEST_CASE("fused softmax ops agree with their composed twins on random shapes") {
  Generator gen(21);
  for (const Shape& shape : {Shape{1, 1}, Shape{3, 7}, Shape{2, 4, 9}, Shape{5, 33}}) {
    CAPTURE(to_string(shape));
    const Tensor x = gen.normal(shape, 0, 3), w = gen.normal(shape);
    CHECK(allclose(softmax(Var(x)).value(), softmax_composed(Var(x)).value(), 1e-12, 1e-14));
    CHECK(allclose(gradient_of([](const Var& v) { return softmax(v); }, x, w),
                   gradient_of([](const Var& v) { return softmax_composed(v); }, x, w), 1e-10, 1e-12));
    CHECK(allclose(log_softmax(Var(x)).value(), log_softmax_composed(Var(x)).value(), 1e-12, 1e-12));
    CHECK(allclose(gradient_of([](const Var& v) { return log_softmax(v); }, x, w),
                   gradient_of([](const Var& v) { return log_softmax_composed(v); }, x, w), 1e-10, 1e-12));
  }
}

TEST_CASE("fused layer_norm agrees with its composed twin, every gradient, a constant row included") {
  Generator gen(31);
  for (const Shape& shape : {Shape{1, 1}, Shape{3, 5}, Shape{2, 4, 7}}) {
    CAPTURE(to_string(shape));
    Tensor x = gen.normal(shape, 1, 3);
    std::fill_n(x.data(), shape[shape.rank() - 1], Real(2));  // variance 0: only eps keeps it finite
    const Index n = shape[shape.rank() - 1];
    const Tensor gamma = gen.normal({n}), beta = gen.normal({n}), w = gen.normal(shape);
    std::vector<Tensor> grads[2];
    Tensor outputs[2];
    for (int composed : {0, 1}) {
      Var xv(x, true), gv(gamma, true), bv(beta, true);
      const Var y = composed ? layer_norm_composed(xv, gv, bv, 1e-5) : layer_norm(xv, gv, bv, 1e-5);
      sum(y * Var(w)).backward();
      outputs[composed] = y.value();
      grads[composed] = {xv.grad(), gv.grad(), bv.grad()};
    }
    CHECK(all_finite(outputs[0]));
    CHECK(allclose(outputs[0], outputs[1], 1e-12, 1e-12));
    for (int i = 0; i < 3; ++i) {
      CAPTURE(i);
      CHECK(allclose(grads[0][i], grads[1][i], 1e-9, 1e-9));
    }
  }
  CHECK_THROWS_WITH_AS(layer_norm(Var(zeros({2, 3})), Var(ones({4})), Var(zeros({4})), 1e-5),
                       "layer_norm: x (2,3), gamma (4), beta (4): need x (..., n), gamma (n) and beta (n)", ShapeError);
  CHECK_THROWS_AS(layer_norm(Var(zeros({2, 3})), Var(ones({3})), Var(zeros({3})), 0), ArgumentError);
}

TEST_CASE("fused sliding_windows agrees with its composed twin: overlapping, gapped and whole-image windows") {
  Generator gen(41);
  struct Case {
    Shape x;
    Index kernel, strides;
  };
  for (const Case& c : {Case{{2, 5, 4, 3}, 2, 1}, Case{{1, 7, 6, 2}, 3, 2}, Case{{3, 6, 9, 1}, 2, 3},
                        Case{{2, 4, 4, 2}, 4, 1}, Case{{1, 3, 5, 1}, 1, 1}}) {
    CAPTURE(to_string(c.x));
    CAPTURE(c.kernel);
    CAPTURE(c.strides);
    const Tensor x = gen.normal(c.x);
    Var fused_x(x, true), composed_x(x, true);
    const Var fused = sliding_windows(fused_x, c.kernel, c.strides);
    const Var composed = sliding_windows_composed(composed_x, c.kernel, c.strides);
    REQUIRE(fused.shape() == composed.shape());
    CHECK(allclose(fused.value(), composed.value(), 0, 0));
    const Tensor w = gen.normal(fused.shape());
    sum(fused * Var(w)).backward();
    sum(composed * Var(w)).backward();
    CHECK(allclose(fused_x.grad(), composed_x.grad(), 1e-12, 1e-12));
  }
  CHECK_THROWS_WITH_AS(sliding_windows(Var(zeros({1, 2, 5, 1})), 3, 1),
                       "sliding_windows: x (1,2,5,1) is smaller than the 3x3 window", ShapeError);
  CHECK_THROWS_WITH_AS(sliding_windows(Var(zeros({2, 5})), 1, 1),
                       "sliding_windows: x (2,5) is not (batch, height, width, channels)", ShapeError);
  CHECK_THROWS_AS(sliding_windows(Var(zeros({1, 4, 4, 1})), 2, 0), ArgumentError);
  CHECK_THROWS_AS(sliding_windows(Var(zeros({1, 4, 4, 1})), 0, 1), ArgumentError);
}

TEST_CASE("fused cross-entropy agrees with the composed one, ignore_index included") {
  const Tensor logits = Generator(5).normal({6, 4}, 0, 2);
  const Tensor targets = tensor({0, 3, -100, 1, 2, -100});
  Var a(logits.clone(), true), b(logits.clone(), true);
  Var fused = softmax_cross_entropy(a, targets, -100);
  Var composed = softmax_cross_entropy_composed(b, targets, -100);
  CHECK(fused.item() == doctest::Approx(composed.item()).epsilon(1e-12));
  fused.backward();
  composed.backward();
  CHECK(allclose(a.grad(), b.grad(), 1e-10, 1e-12));
  for (Index c = 0; c < 4; ++c) CHECK(a.grad().at({2, c}) == 0);  // ignored row
}

TEST_CASE("cross-entropy: every row ignored gives 0, huge logits stay finite") {
  Var all_ignored(zeros({2, 3}), true);
  Var loss = softmax_cross_entropy(all_ignored, tensor({-1, -1}), -1);
  CHECK(loss.item() == 0);
  loss.backward();
  CHECK(all_finite(all_ignored.grad()));
  Var huge(tensor({{1e30, -1e30, 0}}), true);
  Var big_loss = softmax_cross_entropy(huge, tensor({1}));
  CHECK(std::isfinite(big_loss.item()));
  big_loss.backward();
  CHECK(all_finite(huge.grad()));
}

TEST_CASE("cross-entropy: bad targets are named") {
  Var logits(zeros({2, 3}), true);
  CHECK_THROWS_WITH_AS(softmax_cross_entropy(logits, tensor({0, 3})),
                       "softmax_cross_entropy: target 3 at row 1 is not a class index in [0, 3)", ArgumentError);
  CHECK_THROWS_WITH_AS(softmax_cross_entropy(logits, tensor({0.5, 1})),
                       "softmax_cross_entropy: target 0.5 at row 0 is not a class index in [0, 3)", ArgumentError);
  CHECK_THROWS_WITH_AS(softmax_cross_entropy(logits, tensor({0})),
                       "softmax_cross_entropy: targets (1) do not match 2 rows of logits", ShapeError);
  CHECK_THROWS_WITH_AS(softmax_cross_entropy(Var(zeros({3})), tensor({0})),
                       "softmax_cross_entropy: logits must be (rows, classes), got (3)", ShapeError);
}

TEST_CASE("softmax: a fully masked row gives zeros forward and backward, never NaN") {
  const Real inf = std::numeric_limits<Real>::infinity();
  Var x(tensor({{0, 1, 2}, {-inf, -inf, -inf}}), true);
  Var y = softmax(x);
  CHECK(y.value().at({1, 0}) == 0);
  sum(y * Var(tensor({{1, 2, 3}, {1, 2, 3}}))).backward();
  CHECK(all_finite(x.grad()));
  CHECK(x.grad().at({1, 2}) == 0);
}

TEST_CASE("masked_fill replaces masked elements and blocks their gradient") {
  Var x(tensor({{1, 2, 3}, {4, 5, 6}}), true);
  Var y = masked_fill(x, tensor({1, 0, 0}), -1e9);
  CHECK(y.value().at({1, 0}) == -1e9);
  CHECK(y.value().at({1, 1}) == 5);
  sum(y).backward();
  CHECK(x.grad().at({0, 0}) == 0);
  CHECK(x.grad().at({0, 1}) == 1);
  CHECK_THROWS_WITH_AS(masked_fill(x, zeros({4}), 0), "masked_fill: (4) and (2,3) do not broadcast: dim 4 vs 3",
                       ShapeError);
}

TEST_CASE("dropout: identity in evaluation, scaled mask in training") {
  Var x(ones({1000}), true);
  CHECK(dropout(x, 0.3, false).node() == x.node());
  Generator gen(1);
  Var y = dropout(x, 0.25, true, gen);
  Index kept = 0;
  for (Index i = 0; i < 1000; ++i) {
    const Real v = y.value().data()[i];
    CHECK((v == 0 || v == doctest::Approx(1 / 0.75)));
    kept += v != 0;
  }
  CHECK(kept == doctest::Approx(750).epsilon(0.08));
  sum(y).backward();
  CHECK(allclose(x.grad(), y.value(), 0, 0));
  CHECK(sum(dropout(x, 1, true, gen).value()).item() == 0);
  CHECK_THROWS_WITH_AS(dropout(x, 1.5, true), "dropout: probability 1.5 is not in [0, 1]", ArgumentError);
}

TEST_CASE("max: the gradient goes to the first maximum") {
  Var x(tensor({{1, 5, 5}, {7, 2, 7}}), true);
  sum(max(x, 1)).backward();
  CHECK(allclose(x.grad(), tensor({{0, 1, 0}, {1, 0, 0}}), 0, 0));
}

TEST_CASE("shape ops on Vars: values and errors come from core") {
  Var x(arange(24).reshape({2, 3, 4}), true);
  CHECK(transpose(x).shape() == Shape{2, 4, 3});
  CHECK(squeeze(unsqueeze(x, 0), 0).shape() == Shape{2, 3, 4});
  CHECK(slice(x, -1, 1, 3).value().at({1, 2, 1}) == 22);
  CHECK_THROWS_WITH_AS(matmul(x, x), "matmul: (2,3,4) x (2,3,4): inner dims 4 != 3", ShapeError);
  CHECK_THROWS_WITH_AS(reshape(x, {5, 5}), "reshape: (2,3,4) to (5,5): 24 elements != 25", ShapeError);
  CHECK_THROWS_WITH_AS(add(x, Var(zeros({5}))), "add: (2,3,4) and (5) do not broadcast: dim 4 vs 5", ShapeError);
  CHECK_THROWS_AS(concat({x, Var(zeros({2, 3, 5}))}, 0), ShapeError);
}
