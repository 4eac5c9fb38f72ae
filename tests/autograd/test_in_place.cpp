// Writes in place between forward and backward: backward must refuse, naming
// the op and the tensor, before any gradient moves.
#include "autograd/autograd.h"
#include "nn/nn.h"
#include "tests/check_throws.h"

#include <doctest/doctest.h>

using namespace atto;

TEST_CASE("in place: editing an input that an op saved makes backward throw instead of a wrong gradient") {
  // d(x*x)/dx at 3 is 6; with x changed to 100 behind the graph's back the
  // saved copy would give 200.
  Var x(tensor({3}), true);
  x.set_name("x");
  Var y = x * x;
  x.mutable_value().data()[0] = 100;
  check_throws<ArgumentError>([&] { y.backward(); },
                              "backward: mul (1) used its input 0 (leaf 'x' (1)), which was written in place after "
                              "the op ran (version 0, now 1): its gradient would use the new values. Write into a "
                              "clone(), or run backward before changing it");
  CHECK_FALSE(x.has_grad());  // refused before any gradient moved
}

TEST_CASE("in place: an op's own output written in place is caught too") {
  Var x(tensor({0.5, -1.0}), true);
  Var y = tanh(x);
  Var loss = sum(y * y);
  y.mutable_value().fill(0);
  CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("tanh (2) used its own output"), ArgumentError);
}

TEST_CASE("in place: a write through a view (reshape shares the storage) is seen") {
  Var x(tensor({1, 2, 3, 4}), true);
  Var y = sum(exp(x));
  Tensor view = x.value().reshape({2, 2});
  view.fill(0);
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("exp (4) used its input 0"), ArgumentError);
}

TEST_CASE("in place: an optimizer step between two retain_graph backwards is caught") {
  Var w(tensor({1.0, 2.0}), true);
  SGD sgd({w}, {.lr = 0.1});
  Var loss = sum(w * w);
  loss.backward(true);
  sgd.step();
  CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("mul (2) used its input 0"), ArgumentError);
}

TEST_CASE("in place: the usual order (forward, backward, step, forward again) never trips the check") {
  Var w(tensor({1.0, 2.0}), true);
  Adam adam({w}, {.lr = 0.1});
  for (int step = 0; step < 3; ++step) {
    adam.zero_grad();
    sum(w * w).backward();
    adam.step();
  }
  CHECK(w.value().version() == 3);  // one write per step
  CHECK(w.value().data()[0] < 1.0);
}

TEST_CASE("in place: reads never count as writes, and clones have their own version") {
  Var x(tensor({3}), true);
  Var y = x * x;
  const Real read = x.value().data()[0];
  Tensor copy = x.value().clone();
  copy.fill(100);
  y.backward();
  CHECK(read == 3);
  CHECK(x.grad().item() == 6);
}

TEST_CASE("in place: a version counts the announced writes, and views share it") {
  Tensor t = Tensor::empty({2, 3});
  Tensor view = t.reshape({6});
  CHECK(t.version() == 0);
  t.fill(1);
  view.note_write();
  CHECK(t.version() == 2);
  CHECK(view.version() == 2);
  CHECK(zeros({2}).version() == 1);  // zeros fills
  CHECK(Tensor().version() == 0);
}

TEST_CASE("in place: a constant an op keeps (condition, mask, targets, bias) written before backward is caught") {
  // where's condition: d/dx sum(where(c, 2x, 3x)) is [2, 3] for c = [1, 0];
  // with c zeroed behind the graph's back it would be [3, 3].
  {
    Var x(tensor({1.0, 1.0}), true);
    Tensor c = tensor({1.0, 0.0});
    Var y = where(c, x * 2.0, x * 3.0);
    c.fill(0);
    check_throws<ArgumentError>([&] { sum(y).backward(); },
                                "backward: where (2) used its condition (2), which was written in place after the op "
                                "ran (version 0, now 1): its gradient would use the new values. Write into a clone(), "
                                "or run backward before changing it");
  }
  {
    Var x(tensor({1.0, 2.0}), true);
    Tensor mask = tensor({0.0, 1.0});
    Var y = masked_fill(x, mask, -5);
    mask.note_write();
    CHECK_THROWS_WITH_AS(sum(y).backward(), doctest::Contains("masked_fill (2) used its mask (2)"), ArgumentError);
  }
  {
    Var logits(tensor({0.5, -1.0}), true);
    Tensor targets = tensor({1.0, 0.0});
    Var loss = binary_cross_entropy_with_logits(logits, targets);
    targets.fill(0.5);
    CHECK_THROWS_WITH_AS(loss.backward(),
                         doctest::Contains("binary_cross_entropy_with_logits () used its targets (2)"), ArgumentError);
  }
  {
    Generator gen(3);
    Var q(gen.normal({1, 2, 3}), true), k(gen.normal({1, 4, 3}), true), v(gen.normal({1, 4, 3}), true);
    Tensor bias = zeros({1, 2, 4});
    Var out = scaled_dot_product_attention(q, k, v, 0.5, AttentionMask::none, bias);
    bias.fill(-1e9);
    CHECK_THROWS_WITH_AS(sum(out).backward(), doctest::Contains("scaled_dot_product_attention (1,2,3) used its bias (1,2,4)"),
                         ArgumentError);
  }
  {
    Generator gen(4);
    Var x(gen.normal({2, 3, 2}), true);
    const Var h0(zeros({2, 2})), c0(zeros({2, 2}));
    const Var kernel(gen.normal({2, 8}), true), recurrent(gen.normal({2, 8}), true), bias(zeros({8}), true);
    Tensor mask = ones({2, 3});
    Var states = lstm_sequence(x, h0, c0, kernel, recurrent, bias, mask);
    mask.fill(0);
    CHECK_THROWS_WITH_AS(sum(states).backward(), doctest::Contains("lstm_sequence (2,3,4) used its mask (2,3)"),
                         ArgumentError);
  }
  {
    Generator gen(5);
    LSTM lstm(2, 3, {.return_sequences = true}, gen);
    Var x(gen.normal({2, 4, 2}), true);
    Tensor mask = tensor({{1, 1, 1, 0}, {1, 1, 0, 0}});
    Var out = lstm(x, std::nullopt, mask).output;
    mask.fill(1);
    CHECK_THROWS_WITH_AS(sum(out).backward(), doctest::Contains("used its mask (2,4)"), ArgumentError);
  }
}
