#include "core/core.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace atto;

namespace {
const Real kInf = std::numeric_limits<Real>::infinity();
}

TEST_CASE("softmax: rows sum to one and match the textbook formula") {
  const Tensor x = tensor({{1, 2, 3}, {0, 0, 0}});
  const Tensor y = softmax(x);
  const Real e = std::exp(Real(1)), total = 1 + e + e * e;
  CHECK(y.at({0, 0}) == doctest::Approx(1 / total));
  CHECK(y.at({1, 1}) == doctest::Approx(1.0 / 3));
  const Tensor ls = log_softmax(x);
  CHECK(ls.at({0, 2}) == doctest::Approx(std::log(e * e / total)));
}

TEST_CASE("softmax: huge logits do not overflow") {
  const Tensor y = softmax(tensor({1000, 1001, 1002}));
  const Tensor ref = softmax(tensor({0, 1, 2}));
  CHECK(allclose(y, ref, 1e-5, 1e-7));
  const Tensor ls = log_softmax(tensor({-1e30, 0}));
  CHECK(ls.data()[1] == 0);
  CHECK(std::isfinite(ls.data()[0]));
}

TEST_CASE("softmax: -inf entries get zero weight, a row of -inf gives zeros") {
  const Tensor y = softmax(tensor({{0, -kInf, 0}, {-kInf, -kInf, -kInf}}));
  CHECK(y.at({0, 1}) == 0);
  CHECK(y.at({0, 0}) == doctest::Approx(0.5));
  for (Index j = 0; j < 3; ++j) CHECK(y.at({1, j}) == 0);
  const Tensor ls = log_softmax(tensor({-kInf, -kInf}));
  CHECK(ls.data()[0] == -kInf);
  CHECK(ls.data()[1] == -kInf);
}

TEST_CASE("softmax: +inf entries share the mass; NaN stays NaN") {
  const Tensor y = softmax(tensor({kInf, 1, kInf}));
  CHECK(y.data()[0] == 0.5);
  CHECK(y.data()[1] == 0);
  CHECK(log_softmax(tensor({kInf, 1})).data()[0] == 0);
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  CHECK(std::isnan(softmax(tensor({nan, 1})).data()[1]));
}

TEST_CASE("softmax: empty last axis and rank-3 input") {
  CHECK(softmax(zeros({2, 0})).numel() == 0);
  const Tensor y = softmax(Generator(3).normal({2, 4, 5}));
  const Tensor rows = sum(y, -1);
  for (Index i = 0; i < rows.numel(); ++i) CHECK(rows.data()[i] == doctest::Approx(1));
}
