// Fused ops and their composed twins on a grid of special values (+inf,
// -inf, NaN, huge, fully masked rows): the same value, NaN where the other
// has NaN, forward and backward.
#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace atto;

namespace {

constexpr Real kInf = std::numeric_limits<Real>::infinity();
const Real kNaN = std::numeric_limits<Real>::quiet_NaN();

// Agreement as the twins promise it: NaN exactly where the other has NaN,
// the same infinities, finite values within a few ulps of double.
void check_same(const Tensor& fused, const Tensor& composed, const std::string& what) {
  CAPTURE(what);
  REQUIRE(fused.shape() == composed.shape());
  for (Index i = 0; i < fused.numel(); ++i) {
    CAPTURE(i);
    const Real a = fused.data()[i], b = composed.data()[i];
    CAPTURE(a);
    CAPTURE(b);
    if (std::isnan(a) || std::isnan(b)) {
      CHECK((std::isnan(a) && std::isnan(b)));
    } else if (std::isinf(a) || std::isinf(b)) {
      CHECK(a == b);
    } else {
      CHECK(std::abs(a - b) <= 1e-12 * (1 + std::abs(b)));
    }
  }
}

// Rows of length 4 holding every pair of special values. +inf and rows of
// nothing but -inf are not among them: there the fused ops take the limit
// (+inf entries share the weight, a fully masked row gives zeros) where the
// textbook formula the composed twins write gives NaN (inf - inf); the test
// below pins those limits down.
Tensor special_rows() {
  const std::vector<Real> specials = {-kInf, kNaN, Real(1e30), Real(-1e30), 0};
  std::vector<Real> values;
  for (Real s : specials) {
    for (Real t : specials) values.insert(values.end(), {s, Real(0.5), t, Real(-1)});
  }
  const Index rows = static_cast<Index>(values.size()) / 4;
  Tensor out = Tensor::empty({rows, 4});
  std::copy(values.begin(), values.end(), out.data());
  return out;
}

// The output gradient: a fixed, non-uniform pattern, so that every input's
// gradient depends on more than the row sum.
Tensor upstream(const Shape& shape) {
  Tensor g = Tensor::empty(shape);
  for (Index i = 0; i < g.numel(); ++i) g.data()[i] = static_cast<Real>(0.25 + 0.5 * static_cast<double>(i % 5));
  return g;
}

struct Twin {
  Tensor value, grad;
};

template <class Op>
Twin run(Op op, const Tensor& input) {
  Var x(input.clone(), true);
  Var y = op(x);
  y.backward(upstream(y.shape()));
  return {y.value(), x.grad()};
}

}  // namespace

TEST_CASE("special values: softmax and log_softmax agree with their composed twins") {
  const Tensor x = special_rows();
  const Twin fused = run([](const Var& v) { return softmax(v); }, x);
  const Twin composed = run([](const Var& v) { return softmax_composed(v); }, x);
  check_same(fused.value, composed.value, "softmax");
  check_same(fused.grad, composed.grad, "softmax backward");
  const Twin fused_log = run([](const Var& v) { return log_softmax(v); }, x);
  const Twin composed_log = run([](const Var& v) { return log_softmax_composed(v); }, x);
  check_same(fused_log.value, composed_log.value, "log_softmax");
  check_same(fused_log.grad, composed_log.grad, "log_softmax backward");
}

TEST_CASE("special values: softmax cross-entropy agrees with its composed twin, row by row") {
  const Tensor x = special_rows();
  for (Index row = 0; row < x.shape()[0]; ++row) {
    for (Index target = 0; target < 4; ++target) {
      CAPTURE(row);
      CAPTURE(target);
      const Tensor logits = slice(x, 0, row, row + 1);
      const Tensor targets = full({1}, static_cast<Real>(target));
      const Twin fused = run([&](const Var& v) { return softmax_cross_entropy(v, targets); }, logits);
      const Twin composed = run([&](const Var& v) { return softmax_cross_entropy_composed(v, targets); }, logits);
      check_same(fused.value, composed.value, "cross-entropy");
      check_same(fused.grad, composed.grad, "cross-entropy backward");
    }
  }
}

TEST_CASE("special values: fused attention agrees with the composed form on special scores and biases") {
  Generator gen(21);
  const Tensor q = gen.normal({1, 2, 3}), k = gen.normal({1, 4, 3}), v = gen.normal({1, 4, 2});
  const Tensor rows = special_rows();
  for (Index row = 0; row < rows.shape()[0]; ++row) {
    CAPTURE(row);
    // The row as an additive bias on both query rows: +inf, -inf (a masked
    // key), NaN, huge, and a fully masked row.
    const Tensor bias = concat({slice(rows, 0, row, row + 1), slice(rows, 0, row, row + 1)}, 0).reshape({1, 2, 4});
    for (bool causal : {false, true}) {
      CAPTURE(causal);
      const auto attend = [&](bool fused) {
        Var vq(q.clone(), true), vk(k.clone(), true), vv(v.clone(), true);
        Var out = fused ? scaled_dot_product_attention(vq, vk, vv, 0.5, causal ? AttentionMask::causal : AttentionMask::none, bias)
                        : scaled_dot_product_attention_composed(vq, vk, vv, 0.5, causal ? AttentionMask::causal : AttentionMask::none, bias);
        out.backward(upstream(out.shape()));
        return std::vector<Tensor>{out.value(), vq.grad(), vk.grad(), vv.grad()};
      };
      const std::vector<Tensor> fused = attend(true), composed = attend(false);
      for (std::size_t i = 0; i < fused.size(); ++i) check_same(fused[i], composed[i], "attention " + std::to_string(i));
    }
  }
}

TEST_CASE("special values: the fused LSTM agrees with the composed cell on special inputs") {
  Generator gen(22);
  const Index units = 2;
  const Tensor kernel = gen.normal({3, 4 * units}), recurrent = gen.normal({units, 4 * units});
  const Tensor bias = gen.normal({4 * units});
  for (Real special : {kInf, -kInf, kNaN, Real(1e30), Real(-1e30)}) {
    CAPTURE(special);
    Tensor x = gen.normal({1, 3, 3});
    x.data()[4] = special;  // step 1, feature 1
    const auto unroll = [&](bool fused) {
      Var vx(x.clone(), true), h0(zeros({1, units}), true), c0(zeros({1, units}), true);
      Var vk(kernel.clone(), true), vr(recurrent.clone(), true), vb(bias.clone(), true);
      Var out = fused ? lstm_sequence(vx, h0, c0, vk, vr, vb) : lstm_sequence_composed(vx, h0, c0, vk, vr, vb);
      out.backward(upstream(out.shape()));
      return std::vector<Tensor>{out.value(), vx.grad(), vk.grad(), vr.grad(), vb.grad()};
    };
    const std::vector<Tensor> fused = unroll(true), composed = unroll(false);
    for (std::size_t i = 0; i < fused.size(); ++i) check_same(fused[i], composed[i], "lstm " + std::to_string(i));
  }
}

TEST_CASE("special values: where the composed formula gives NaN, the fused softmax takes the limit") {
  Var x(tensor({{kInf, 0.5, kInf, -1}, {-kInf, -kInf, -kInf, -kInf}}), true);
  Var y = softmax(x);
  y.backward(upstream(y.shape()));
  CHECK(allclose(y.value(), tensor({{0.5, 0, 0.5, 0}, {0, 0, 0, 0}}), 0, 0));
  for (Index i = 0; i < x.grad().numel(); ++i) CHECK(std::isfinite(x.grad().data()[i]));
  CHECK(allclose(slice(x.grad(), 0, 1, 2), zeros({1, 4}), 0, 0));  // nothing flows into a masked row
  CHECK(std::isnan(softmax_composed(Var(tensor({{kInf, 0.5, kInf, -1}}))).value().data()[0]));
}
