#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace atto;

TEST_CASE("backward: matches the derivative worked on paper") {
  // f(x, y) = x*y + tanh(x)  ->  df/dx = y + 1 - tanh(x)^2,  df/dy = x
  Var x(scalar(0.5), true), y(scalar(-2), true);
  Var f = x * y + tanh(x);
  f.backward();
  const double t = std::tanh(0.5);
  CHECK(x.grad().item() == doctest::Approx(-2 + 1 - t * t));
  CHECK(y.grad().item() == doctest::Approx(0.5));
}

TEST_CASE("backward: a variable used twice gets both contributions") {
  Var x(tensor({3}), true);
  Var f = sum(x * x + x);  // df/dx = 2x + 1
  f.backward();
  CHECK(x.grad().item() == 7);
}

TEST_CASE("backward: gradients accumulate until zero_grad") {
  Var w(tensor({1, 2}), true);
  sum(w * 3).backward();
  sum(w * 3).backward();
  CHECK(w.grad().data()[0] == 6);
  w.zero_grad();
  CHECK_FALSE(w.has_grad());
  sum(w * 3).backward();
  CHECK(w.grad().data()[1] == 3);
}

TEST_CASE("backward: the graph is freed unless retain_graph") {
  Var w(tensor({1, 2}), true);
  Var loss = sum(exp(w));
  loss.backward(true);
  loss.backward();  // retained the first time: works
  CHECK(w.grad().data()[0] == doctest::Approx(2 * std::exp(1.0)));
  CHECK_THROWS_WITH_AS(loss.backward(),
                       "backward: the graph through sum () was freed by an earlier backward(); pass "
                       "retain_graph=true to that call to go backward through it again",
                       ArgumentError);
}

TEST_CASE("backward: each backward function runs exactly once") {
  int calls = 0;
  Var x(tensor({1, 2}), true);
  auto counted = [&](const Var& in) {
    return record("counted", "out = in  ->  din = g", in.value(), {in}, [&calls](const Tensor& g) -> Grads {
      ++calls;
      return {g};
    });
  };
  Var shared = counted(x);
  // Four consumers of `shared`, through a diamond.
  Var f = sum(shared * shared + shared * shared);
  f.backward();
  CHECK(calls == 1);
  CHECK(x.grad().data()[1] == 8);  // d/dx 2x^2 = 4x
}

TEST_CASE("backward: from a non-scalar needs a gradient of the right shape") {
  Var x(tensor({1, 2, 3}), true);
  Var y = x * 2;
  CHECK_THROWS_WITH_AS(y.backward(),
                       "backward: implicit gradient needs a single-element output, got (3); pass a gradient",
                       ShapeError);
  CHECK_THROWS_WITH_AS(y.backward(ones({2})), "backward: gradient of shape (2) for an output of shape (3)", ShapeError);
  y.backward(tensor({1, 0, -1}));
  CHECK(x.grad().data()[2] == -2);
}

TEST_CASE("backward: errors for things that have no gradient") {
  Var constant(tensor({1}));
  CHECK_THROWS_WITH_AS(sum(constant * 2).backward(),
                       "backward: an output of shape () that does not require grad: no leaf it was computed from "
                       "requires grad, or it was computed under NoGradGuard",
                       ArgumentError);
  Var w(tensor({1}), true);
  Var hidden = w * 2;
  sum(hidden).backward();
  CHECK_THROWS_AS(hidden.grad(), ArgumentError);  // non-leaf without retain_grad
  CHECK_THROWS_AS(constant.grad(), ArgumentError);
  CHECK_THROWS_AS(hidden.set_requires_grad(false), ArgumentError);
}

TEST_CASE("backward: retain_grad keeps an intermediate gradient") {
  Var w(tensor({1, 2}), true);
  Var hidden = w * 3;
  hidden.retain_grad();
  sum(hidden * hidden).backward();
  CHECK(hidden.grad().data()[1] == 12);  // 2 * hidden
}

TEST_CASE("backward: NoGradGuard builds no graph; detach cuts it") {
  Var w(tensor({1, 2}), true);
  {
    NoGradGuard guard;
    Var y = w * 2;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
  }
  CHECK((w * 2).requires_grad());
  Var cut = (w * 2).detach();
  CHECK_FALSE(cut.requires_grad());
  Var f = sum(cut * w);
  f.backward();
  CHECK(w.grad().data()[1] == 4);  // cut is a constant 2w = (2, 4)
}

TEST_CASE("backward: a chain of a million ops runs and frees without recursion") {
  Var x(scalar(1), true);
  Var y = x;
  for (int i = 0; i < 1000000; ++i) y = y * 1.0;
  y.backward();
  CHECK(x.grad().item() == 1);
  // And a graph never backpropagated, destroyed whole.
  Var z = x;
  for (int i = 0; i < 1000000; ++i) z = z + 0.0;
}

TEST_CASE("anomaly mode: a NaN in forward names the op and its inputs") {
  Var x(tensor({-1, 2}), true);
  x.set_name("x");
  CHECK_NOTHROW(log(x));  // off by default
  AnomalyModeGuard anomaly;
  CHECK_THROWS_WITH_AS(log(x),
                       "anomaly: forward of log produced NaN or Inf in its (2) output; its inputs:\n  input 0: leaf 'x' (2)",
                       AnomalyError);
}

TEST_CASE("anomaly mode: an Inf in backward names the op") {
  Var x(tensor({0, 4}), true);
  Var y = sum(pow(x, 0.5));  // forward is finite; d/dx sqrt(x) at 0 is infinite
  AnomalyModeGuard anomaly;
  CHECK_THROWS_WITH_AS(y.backward(),
                       "anomaly: backward of pow (2) produced NaN or Inf in the gradient of input 0 (leaf (2))",
                       AnomalyError);
}

TEST_CASE("anomaly mode: after an AnomalyError in backward, no leaf has moved and the graph can be used again") {
  Var a(tensor({2, 3}), true), x(tensor({0, 4}), true);
  // a's gradient is computed before pow's infinite one is found.
  Var y = sum(a * 3.0) + sum(pow(x, 0.5));
  {
    AnomalyModeGuard anomaly;
    CHECK_THROWS_AS(y.backward(), AnomalyError);
  }
  CHECK_FALSE(a.has_grad());
  CHECK_FALSE(x.has_grad());
  y.backward();  // the retry, outside anomaly mode: the graph is whole
  CHECK(allclose(a.grad(), tensor({3, 3}), 0, 0));
  CHECK(std::isinf(x.grad().at({0})));
}

TEST_CASE("anomaly mode: a fused op given Inf is named in forward, though its output is finite") {
  Generator gen(5);
  Tensor poisoned = gen.normal({1, 2, 3});
  poisoned.at({0, 1, 2}) = std::numeric_limits<Real>::infinity();
  const Var h0(zeros({1, 2})), c0(zeros({1, 2}));
  const Var kernel(gen.normal({3, 8}), true), recurrent(gen.normal({2, 8}), true), bias(zeros({8}), true);
  CHECK(all_finite(lstm_sequence(Var(poisoned), h0, c0, kernel, recurrent, bias).value()));  // the gates saturate
  AnomalyModeGuard anomaly;
  CHECK_THROWS_WITH_AS(lstm_sequence(Var(poisoned), h0, c0, kernel, recurrent, bias),
                       "anomaly: lstm_sequence was given NaN or Inf in its input 0 (leaf (1,2,3))", AnomalyError);
}

TEST_CASE("backward: a custom op's gradient of the wrong shape is caught") {
  Var x(tensor({1, 2}), true);
  Var y = record("broken", "out = x  ->  dx = a gradient of the wrong shape", x.value(), {x}, [](const Tensor&) -> Grads { return {zeros({3})}; });
  CHECK_THROWS_WITH_AS(sum(y).backward(), "backward: broken returned a gradient of shape (3) for input 0 of shape (2)",
                       ShapeError);
}

TEST_CASE("Var: rank, dim, numel, printing, and no null nodes") {
  Var w(tensor({{1, 2, 3}, {4, 5, 6}}), true);
  w.set_name("w");
  CHECK(w.rank() == 2);
  CHECK(w.dim(0) == 2);
  CHECK(w.dim(-1) == 3);
  CHECK(w.numel() == 6);
  CHECK_THROWS_AS((void)w.dim(2), ShapeError);
  CHECK(fmt::format("{}", w) == to_string(w.value()) + "  leaf 'w' requires_grad");
  CHECK(fmt::format("{}", tanh(w)) == to_string(atto::tanh(w.value())) + "  op=tanh");
  CHECK(fmt::format("{}", Var(scalar(2))) == to_string(scalar(2)) + "  leaf");
  CHECK_THROWS_WITH_AS(Var(std::shared_ptr<Node>()), "Var: a Var needs a node; got a null pointer", ArgumentError);
}

TEST_CASE("every exception attograd throws is an atto::Error") {
  Var x(tensor({1, 2}), true);
  CHECK_THROWS_AS((void)matmul(x, x), Error);                     // ShapeError
  CHECK_THROWS_AS((void)slice(x, 0, 0, 2, 0), Error);             // ArgumentError
  CHECK_THROWS_AS(write_dot(sum(x), "/no/such/dir/g.dot"), Error);  // IOError
  const AnomalyModeGuard anomaly;
  CHECK_THROWS_AS((void)log(x - 5), Error);                       // AnomalyError
}
