#include "core/core.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace atto;

TEST_CASE("reduce: sum, mean, max over all elements") {
  const Tensor x = tensor({{1, 2, 3}, {4, 5, 6}});
  CHECK(sum(x).item() == 21);
  CHECK(sum(x).rank() == 0);
  CHECK(mean(x).item() == 3.5);
  CHECK(max(x).item() == 6);
  CHECK(sum(zeros({0})).item() == 0);
}

TEST_CASE("reduce: over every axis with and without keepdim") {
  const Tensor x = arange(24).reshape({2, 3, 4});
  for (int axis = 0; axis < 3; ++axis) {
    CAPTURE(axis);
    const Tensor s = sum(x, axis), m = max(x, axis), a = argmax(x, axis), mu = mean(x, axis, true);
    const Shape kept = x.shape().with_axis(axis, 1);
    CHECK(mu.shape() == kept);
    CHECK(s.shape() == x.shape().without_axis(axis));
    // Reference by explicit loops.
    for (Index flat = 0; flat < s.numel(); ++flat) {
      Real total = 0, best = -1e30;
      Index best_at = -1;
      for (Index k = 0; k < x.shape()[axis]; ++k) {
        Index idx[3];
        Index rest = flat;
        for (int d = 2; d >= 0; --d) {
          if (d == axis) continue;
          idx[d] = rest % x.shape()[d];
          rest /= x.shape()[d];
        }
        idx[axis] = k;
        const Real v = x.at({idx[0], idx[1], idx[2]});
        total += v;
        if (v > best) best = v, best_at = k;
      }
      REQUIRE(s.data()[flat] == total);
      REQUIRE(m.data()[flat] == best);
      REQUIRE(a.data()[flat] == best_at);
      REQUIRE(mu.data()[flat] == doctest::Approx(total / x.shape()[axis]));
    }
  }
}

TEST_CASE("reduce: argmax takes the first maximum, and NaN propagates through max") {
  CHECK(argmax(tensor({1, 3, 3, 0}), 0).item() == 1);
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  CHECK(std::isnan(max(tensor({1, nan, 2})).item()));
  CHECK(std::isnan(max(tensor({{1, nan, 2}}), 1).item()));
  CHECK(argmax(tensor({1, nan, 2}), 0).item() == 1);
  const Real inf = std::numeric_limits<Real>::infinity();
  CHECK(max(tensor({-inf, -inf}), 0).item() == -inf);
}

TEST_CASE("reduce: long rows and size-0/1 axes") {
  const Tensor big = ones({3, 100000});
  const Tensor s = sum(big, 1);
  CHECK(s.data()[2] == 100000);
  CHECK(sum(big).item() == 300000);
  CHECK(sum(ones({300000, 2}), 0).data()[1] == 300000);
  CHECK(sum(zeros({2, 0}), 1).shape() == Shape{2});
  CHECK(sum(zeros({2, 0}), 1).data()[1] == 0);
  CHECK(sum(zeros({0, 3}), 0).shape() == Shape{3});
  CHECK(sum(ones({4, 1}), 1).shape() == Shape{4});
}

TEST_CASE("reduce: sum_to undoes broadcasting") {
  const Tensor g = ones({4, 2, 3});
  CHECK(sum_to(g, {3}).data()[0] == 8);
  CHECK(sum_to(g, {2, 1}).shape() == Shape{2, 1});
  CHECK(sum_to(g, {2, 1}).data()[1] == 12);
  CHECK(sum_to(g, {}).item() == 24);
  CHECK(sum_to(g, {1, 2, 3}).shape() == Shape{1, 2, 3});
  CHECK(sum_to(g, {4, 2, 3}).shares_storage_with(g));
}
