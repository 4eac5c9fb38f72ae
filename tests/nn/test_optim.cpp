#include "nn/nn.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace atto;

namespace {

// A parameter holding `value` whose gradient is `grad`.
Var with_grad(Real value, Real grad) {
  Var p(tensor({value}), true);
  p.set_grad(tensor({grad}));
  return p;
}

}  // namespace

TEST_CASE("SGD: plain, weight decay, momentum and Nesterov by hand") {
  Var p = with_grad(1, 0.5);
  SGD({p}, {0.1}).step();
  CHECK(p.item() == doctest::Approx(0.95));

  Var q = with_grad(1, 0.5);
  SGD({q}, {0.1, 0, 0.2}).step();  // g = 0.5 + 0.2 * 1
  CHECK(q.item() == doctest::Approx(1 - 0.07));

  Var m = with_grad(1, 0.5);
  SGD momentum({m}, {0.1, 0.9});
  momentum.step();  // v = 0.5
  momentum.step();  // v = 0.9 * 0.5 + 0.5 = 0.95
  CHECK(m.item() == doctest::Approx(1 - 0.05 - 0.095));

  Var n = with_grad(1, 0.5);
  SGD nesterov({n}, {0.1, 0.9, 0, true});
  nesterov.step();  // v = 0.5, step = g + 0.9 v = 0.95
  CHECK(n.item() == doctest::Approx(1 - 0.095));
}

TEST_CASE("Adam and AdamW: the first steps by hand") {
  Var p = with_grad(1, 0.5);
  Adam adam({p}, {0.1});
  adam.step();  // bias-corrected m/sqrt(v) = g/|g| = 1
  CHECK(p.item() == doctest::Approx(1 - 0.1).epsilon(1e-6));
  adam.step();
  CHECK(p.item() == doctest::Approx(1 - 0.2).epsilon(1e-6));
  CHECK(adam.steps() == 2);

  Var w = with_grad(2, 0.5);
  AdamW adamw({w}, {0.1, 0.9, 0.999, 1e-8, 0.01});
  adamw.step();  // decay 0.1 * 0.01 * 2 first, then the Adam step of 0.1
  CHECK(w.item() == doctest::Approx(2 - 0.002 - 0.1).epsilon(1e-6));

  Var l2 = with_grad(2, 0.5);
  Adam adam_l2({l2}, {0.1, 0.9, 0.999, 1e-8, 0.01});
  adam_l2.step();  // L2 joins the gradient, and Adam's first step is lr whatever g is
  CHECK(l2.item() == doctest::Approx(2 - 0.1).epsilon(1e-6));
}

TEST_CASE("optimizers skip parameters without gradients and refuse bad settings") {
  Var p(tensor({1}), true);
  SGD({p}, {0.1}).step();
  CHECK(p.item() == 1);
  CHECK_THROWS_WITH_AS(SGD({p}, {-0.1}), "SGD: learning rate -0.1 must be >= 0 and finite", ArgumentError);
  CHECK_THROWS_WITH_AS(SGD({p}, {0.1, 0, 0, true}), "SGD: nesterov needs momentum > 0", ArgumentError);
  CHECK_THROWS_AS(Adam({Var(tensor({1}))}, {}), ArgumentError);
}

TEST_CASE("clip_grad_norm scales all gradients together") {
  Var a = with_grad(0, 3), b = with_grad(0, 4);
  const Real norm = clip_grad_norm({a, b}, 1);
  CHECK(norm == doctest::Approx(5));
  CHECK(a.grad().item() == doctest::Approx(0.6).epsilon(1e-5));
  CHECK(b.grad().item() == doctest::Approx(0.8).epsilon(1e-5));
  CHECK(clip_grad_norm({a, b}, 10) == doctest::Approx(1).epsilon(1e-5));
  CHECK(a.grad().item() == doctest::Approx(0.6).epsilon(1e-5));
}

TEST_CASE("training: Dense + Adam fits a line") {
  Generator gen(1);
  Dense dense(1, {.units = 1}, gen);
  Adam adam(dense.parameters(), {0.05});
  const Tensor x = gen.uniform({64, 1}, -1, 1);
  const Tensor y = x * 3 + 0.5;
  Real loss = 0;
  for (int step = 0; step < 400; ++step) {
    adam.zero_grad();
    Var l = mse_loss(dense(Var(x)), y);
    l.backward();
    adam.step();
    loss = l.item();
  }
  CHECK(loss < 1e-4);
  CHECK(dense.kernel().value().item() == doctest::Approx(3).epsilon(0.01));
}

TEST_CASE("learning rates can be changed between steps (schedules)") {
  Var p = with_grad(1, 0.5);
  SGD sgd({p}, {0.1});
  sgd.step();
  sgd.set_learning_rate(0.01);
  CHECK(sgd.learning_rate() == doctest::Approx(0.01));
  sgd.step();
  CHECK(p.item() == doctest::Approx(1 - 0.05 - 0.005));
  Var q = with_grad(1, 0.5);
  Adam adam({q}, {.lr = 0.1});
  adam.set_learning_rate(0);
  adam.step();
  CHECK(q.item() == 1);
}

TEST_CASE("optimizers under anomaly mode refuse a NaN gradient before any parameter moves") {
  Var w(tensor({1.0, 2.0}), true), v(tensor({3.0}), true);
  w.set_name("w");
  SGD sgd({v, w}, {.lr = 0.1});
  Adam adam({v, w}, {.lr = 0.1});
  sum(v * v).backward();
  w.set_grad(tensor({0.5, std::numeric_limits<Real>::quiet_NaN()}));
  const AnomalyModeGuard anomaly;
  CHECK_THROWS_WITH_AS(sgd.step(), "anomaly: SGD.step: the gradient of parameter 1 (leaf 'w' (2)) holds NaN or Inf; no "
                                   "parameter was updated", AnomalyError);
  CHECK_THROWS_AS(adam.step(), AnomalyError);
  CHECK(v.value().item() == 3.0);
  CHECK(w.value().at({0}) == 1.0);
}
