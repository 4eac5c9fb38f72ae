#include "nn/nn.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

TEST_CASE("losses: values match the formulas") {
  CHECK(mse_loss(Var(tensor({1, 2, 3})), tensor({1, 0, 0})).item() == doctest::Approx(13.0 / 3));
  const Tensor logits = tensor({{2, 1, 0}});
  const double expected = -std::log(std::exp(2.0) / (std::exp(2.0) + std::exp(1.0) + 1));
  CHECK(cross_entropy(Var(logits), tensor({0})).item() == doctest::Approx(expected));
  const double x = 0.3, t = 1;
  const double sig = 1 / (1 + std::exp(-x));
  CHECK(binary_cross_entropy_with_logits(Var(tensor({x})), tensor({t})).item() ==
        doctest::Approx(-(t * std::log(sig) + (1 - t) * std::log(1 - sig))));
}

TEST_CASE("losses: gradients pass gradcheck") {
  Generator gen(8);
  const Tensor target = gen.normal({3, 4});
  const Tensor binary = tensor({{1, 0, 1, 0}, {0, 0, 1, 1}, {1, 1, 0, 0}});
  const Tensor sequence_targets = tensor({{0, 2, -1}, {1, -1, 3}});
  struct Case {
    const char* name;
    Shape shape;
    GradcheckFn fn;
  };
  const Case cases[] = {
      {"mse_loss", {3, 4}, [&](const std::vector<Var>& v) { return mse_loss(v[0], target); }},
      {"binary_cross_entropy_with_logits", {3, 4},
       [&](const std::vector<Var>& v) { return binary_cross_entropy_with_logits(v[0] * 3, binary); }},
      {"cross_entropy (N,T,C) ignore", {2, 3, 4},
       [&](const std::vector<Var>& v) { return cross_entropy(v[0], sequence_targets, -1); }},
  };
  for (const Case& c : cases) {
    const GradcheckResult result = gradcheck(c.name, c.fn, {gen.normal(c.shape)});
    CAPTURE(result.report());
    CHECK(result.passed);
  }
}

// At a logit of exactly 0 the loss is smooth: its derivative is
// sigmoid(0) - t = 1/2 - t. A |x| built from relu(x) + relu(-x) has slope 0
// there, and gave -t instead.
TEST_CASE("losses: binary cross-entropy's gradient at a logit of exactly 0") {
  const Var logits(tensor({0, 0, 2, -3}), true);
  const Tensor targets = tensor({1, 0, 1, 0.25});
  binary_cross_entropy_with_logits(logits, targets).backward();
  const auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
  CHECK(logits.grad().data()[0] == doctest::Approx((0.5 - 1) / 4));
  CHECK(logits.grad().data()[1] == doctest::Approx((0.5 - 0) / 4));
  CHECK(logits.grad().data()[2] == doctest::Approx((sigmoid(2) - 1) / 4));
  CHECK(logits.grad().data()[3] == doctest::Approx((sigmoid(-3) - 0.25) / 4));
}

TEST_CASE("losses: sequences equal the flattened rows; huge logits stay finite") {
  const Tensor logits = Generator(2).normal({2, 3, 4});
  const Tensor targets = tensor({{0, 2, -1}, {1, -1, 3}});
  CHECK(cross_entropy(Var(logits), targets, -1).item() ==
        doctest::Approx(cross_entropy(Var(logits.reshape({6, 4})), targets.reshape({6}), -1).item()));
  Var huge(tensor({1e4, -1e4}), true);
  Var loss = binary_cross_entropy_with_logits(huge, tensor({0, 1}));
  CHECK(loss.item() == doctest::Approx(1e4));
  loss.backward();
  CHECK(all_finite(huge.grad()));
}

TEST_CASE("losses: shape errors") {
  CHECK_THROWS_WITH_AS(mse_loss(Var(zeros({2})), zeros({3})), "mse_loss: prediction (2) and target (3) differ",
                       ShapeError);
  CHECK_THROWS_WITH_AS(cross_entropy(Var(zeros({2, 3})), zeros({2, 3})),
                       "cross_entropy: logits (2,3) and targets (2,3): need (N,C) with (N), or (N,T,C) with (N,T)",
                       ShapeError);
  CHECK_THROWS_AS(binary_cross_entropy_with_logits(Var(zeros({2})), zeros({1})), ShapeError);
}
