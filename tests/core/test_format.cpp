#include "core/core.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <limits>

using namespace atto;

TEST_CASE("format: small tensors print every element, aligned") {
  CHECK(fmt::format("{}", tensor({{1, 2, 3}, {40, 5, 6}})) ==
        "tensor([[ 1,  2,  3],\n"
        "        [40,  5,  6]])  shape=(2,3)");
  CHECK(fmt::format("{}", tensor({0.5, -1.25})) == "tensor([ 0.5000, -1.2500])  shape=(2)");
  CHECK(fmt::format("{}", scalar(3)) == "tensor(3)  shape=()");
  CHECK(fmt::format("{}", zeros({0})) == "tensor([])  shape=(0)");
  CHECK(fmt::format("{}", tensor({1e-6, 1})) == "tensor([1.0000e-06, 1.0000e+00])  shape=(2)");
}

TEST_CASE("format: large tensors are summarised") {
  const std::string text = fmt::format("{}", arange(2000).reshape({40, 50}));
  CHECK(text.find("...") != std::string::npos);
  CHECK(text.find("1999") != std::string::npos);
  CHECK(text.find("1000") == std::string::npos);
  CHECK(text.size() < 600);
}

TEST_CASE("format: shapes") { CHECK(fmt::format("{}", Shape{2, 3}) == "(2,3)"); }

TEST_CASE("format: non-finite values") {
  const Real inf = std::numeric_limits<Real>::infinity();
  CHECK(fmt::format("{}", tensor({-inf, inf, std::numeric_limits<Real>::quiet_NaN()})) ==
        "tensor([-inf,  inf,  nan])  shape=(3)");
}
