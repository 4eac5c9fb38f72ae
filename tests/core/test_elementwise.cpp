#include "core/core.h"
#include "core/scalar_math.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace atto;

namespace {

// A naive broadcast reference: index every output element explicitly.
Real broadcast_read(const Tensor& t, const Shape& out_shape, Index flat) {
  const auto out_strides = contiguous_strides(out_shape);
  const auto strides = contiguous_strides(t.shape());
  const int shift = out_shape.rank() - t.rank();
  Index offset = 0;
  for (int axis = 0; axis < out_shape.rank(); ++axis) {
    const Index i = flat / out_strides[axis] % out_shape[axis];
    if (axis >= shift && t.shape()[axis - shift] != 1) offset += i * strides[axis - shift];
  }
  return t.data()[offset];
}

}  // namespace

TEST_CASE("elementwise: every binary op against a naive broadcast on many patterns") {
  Generator gen(7);
  const std::vector<std::pair<Shape, Shape>> patterns = {
      {{2, 3}, {2, 3}},       {{2, 3}, {}},           {{}, {2, 3}},        {{2, 3}, {3}},
      {{2, 3}, {2, 1}},       {{2, 1}, {1, 3}},       {{4, 1, 3}, {2, 1}}, {{5, 2, 3}, {1, 2, 3}},
      {{0, 3}, {3}},          {{2, 0}, {2, 1}},       {{1}, {0}},          {{3, 1, 1, 2}, {1, 4, 1}},
      {{70, 600}, {600}},     {{600, 70}, {600, 1}},
  };
  for (const auto& [sa, sb] : patterns) {
    CAPTURE(to_string(sa));
    CAPTURE(to_string(sb));
    const Tensor a = gen.uniform(sa, -2, 2);
    const Tensor b = gen.uniform(sb, 0.5, 2);
    const Shape out = broadcast_shapes("test", sa, sb);
    const auto check = [&](const Tensor& got, auto reference) {
      REQUIRE(got.shape() == out);
      for (Index i = 0; i < got.numel(); ++i) {
        REQUIRE(got.data()[i] == reference(broadcast_read(a, out, i), broadcast_read(b, out, i)));
      }
    };
    check(add(a, b), [](Real x, Real y) { return x + y; });
    check(sub(a, b), [](Real x, Real y) { return x - y; });
    check(mul(a, b), [](Real x, Real y) { return x * y; });
    check(div(a, b), [](Real x, Real y) { return x / y; });
    check(maximum(a, b), [](Real x, Real y) { return x > y ? x : y; });
    check(minimum(a, b), [](Real x, Real y) { return x < y ? x : y; });
    check(greater(a, b), [](Real x, Real y) { return Real(x > y); });
  }
}

TEST_CASE("elementwise: unary functions") {
  const Tensor x = tensor({-2, -0.5, 0, 0.5, 3});
  const Tensor r = relu(x);
  CHECK(r.data()[0] == 0);
  CHECK(r.data()[4] == 3);
  CHECK(exp(x).data()[4] == doctest::Approx(std::exp(3.0)));
  CHECK(tanh(x).data()[1] == doctest::Approx(std::tanh(-0.5)));
  CHECK(abs(x).data()[0] == 2);
  CHECK(pow(x, 2).data()[0] == 4);
  CHECK(sqrt(tensor({9})).item() == 3);
  CHECK(log(tensor({1})).item() == 0);
  CHECK(neg(x).data()[4] == -3);
}

TEST_CASE("elementwise: sigmoid never overflows") {
  const Real big = std::numeric_limits<Real>::max();
  const Tensor s = sigmoid(tensor({-big, -1000, 0, 1000, big}));
  CHECK(s.data()[0] == 0);
  CHECK(s.data()[1] == 0);
  CHECK(s.data()[2] == 0.5);
  CHECK(s.data()[3] == 1);
  CHECK(s.data()[4] == 1);
}

TEST_CASE("elementwise: NaN is never hidden by maximum and minimum") {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  CHECK(std::isnan(maximum(tensor({nan}), tensor({1})).item()));
  CHECK(std::isnan(maximum(tensor({1}), tensor({nan})).item()));
  CHECK(std::isnan(minimum(tensor({nan}), tensor({1})).item()));
}

TEST_CASE("elementwise: where broadcasts condition and both branches") {
  const Tensor cond = tensor({{1}, {0}});
  const Tensor w = where(cond, tensor({1, 2, 3}), scalar(-1));
  CHECK(w.shape() == Shape{2, 3});
  CHECK(w.at({0, 2}) == 3);
  CHECK(w.at({1, 0}) == -1);
}

TEST_CASE("elementwise: scalar operators") {
  const Tensor x = tensor({1, 2});
  CHECK((x + 1).data()[1] == 3);
  CHECK((1 - x).data()[1] == -1);
  CHECK((x * 3).data()[1] == 6);
  CHECK((2 / x).data()[1] == 1);
  CHECK((x / 2).data()[0] == 0.5);
  CHECK((-x).data()[0] == -1);
  CHECK(allclose(x * x, tensor({1, 4})));
  CHECK_FALSE(allclose(x, tensor({1, 2.1})));
  CHECK_FALSE(allclose(x, tensor({{1, 2}})));
}

// core/scalar_math.h promises for exp: within 2 ulps wherever e^x is a
// normal float, inf above, 0 where the result would be subnormal. Checked on
// every float near both edges of the range and on a stride across the rest,
// for the scalar function and the array kernel of every instruction set.
// (In double, exp is the C library's.)
#ifndef ATTO_REAL_DOUBLE
TEST_CASE("elementwise: exp keeps its promise over the whole float range, on every kernel") {
  std::vector<float> xs;
  const auto add_every_float = [&](float from, float to) {
    for (float x = from; x <= to; x = std::nextafter(x, to + 1)) xs.push_back(x);
  };
  add_every_float(86.0f, 90.0f);
  add_every_float(-105.0f, -86.0f);
  for (float x = -86.0f; x < 86.0f; x += 0.001953125f) xs.push_back(x);
  const double largest = std::numeric_limits<float>::max(), smallest = std::numeric_limits<float>::min();
  const auto check_all = [&](const std::string& version, const float* got) {
    CAPTURE(version);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double exact = std::exp(static_cast<double>(xs[i]));
      CAPTURE(xs[i]);
      if (exact > largest) {
        REQUIRE(got[i] == std::numeric_limits<float>::infinity());
      } else if (exact < smallest) {
        REQUIRE(got[i] == 0.0f);
      } else {
        const double ulp = std::ldexp(1.0, std::ilogb(exact) - std::numeric_limits<float>::digits + 1);
        REQUIRE(std::abs(got[i] - exact) <= 2 * ulp);
      }
    }
  };
  std::vector<float> scalar(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) scalar[i] = exp_of(xs[i]);
  check_all("scalar", scalar.data());
  const std::string saved(active_kernel());
  Tensor x = Tensor::empty({static_cast<Index>(xs.size())});
  std::copy(xs.begin(), xs.end(), x.data());
  for (std::string_view name : supported_kernels()) {
    use_kernel(name);
    check_all(std::string(name), exp(x).data());
  }
  use_kernel(saved);
}
#endif

TEST_CASE("elementwise: exp, tanh and sigmoid within a few ulps everywhere, NaN and infinities kept, on every kernel") {
  // Distance from the true value (in double) in units of the last place of a Real.
  const auto ulps = [](double got, double exact) {
    const double ulp = std::ldexp(1.0, std::ilogb(exact) - std::numeric_limits<Real>::digits + 1);
    return std::abs(got - exact) / ulp;
  };
  // -87, -86.9863, ... up to 88, each rounded to a Real.
  const Tensor xs = arange(-87, 88, Real(0.0137));
  const Real nan = std::numeric_limits<Real>::quiet_NaN(), inf = std::numeric_limits<Real>::infinity();
  const Tensor special = tensor({nan, inf, -inf, 1000, -1000, Real(1e-30), 0});
  const std::string saved(active_kernel());
  // The scalar functions (used one value at a time by the fused ops) and the
  // array kernels of every instruction set, each held to the same bounds.
  std::vector<std::string> versions{"scalar"};
  for (std::string_view name : supported_kernels()) versions.emplace_back(name);
  for (const std::string& version : versions) {
    CAPTURE(version);
    const bool scalar = version == "scalar";
    if (!scalar) use_kernel(version);
    const auto run = [&](const Tensor& x, Real (*one)(Real), Tensor (*all)(const Tensor&)) {
      if (!scalar) return all(x);
      Tensor out = Tensor::empty(x.shape());
      for (Index i = 0; i < x.numel(); ++i) out.data()[i] = one(x.data()[i]);
      return out;
    };
    const Tensor e = run(xs, exp_of, exp), t = run(xs, tanh_of, tanh), s = run(xs, sigmoid_of, sigmoid);
    double worst_exp = 0, worst_tanh = 0, worst_sigmoid = 0;
    for (Index i = 0; i < xs.numel(); ++i) {
      const double v = xs.data()[i];
      worst_exp = std::max(worst_exp, ulps(e.data()[i], std::exp(v)));
      if (v != 0) worst_tanh = std::max(worst_tanh, ulps(t.data()[i], std::tanh(v)));
      worst_sigmoid = std::max(worst_sigmoid, ulps(s.data()[i], 1 / (1 + std::exp(-v))));
    }
    CAPTURE(worst_exp);
    CAPTURE(worst_tanh);
    CAPTURE(worst_sigmoid);
    CHECK(worst_exp <= 2);
    CHECK(worst_tanh <= 2);
    CHECK(worst_sigmoid <= 3);
    const Tensor se = run(special, exp_of, exp), st = run(special, tanh_of, tanh), ss = run(special, sigmoid_of, sigmoid);
    CHECK(std::isnan(se.data()[0]));
    CHECK(std::isnan(st.data()[0]));
    CHECK(std::isnan(ss.data()[0]));
    CHECK(se.data()[1] == inf);
    CHECK(se.data()[2] == 0);
    CHECK(se.data()[3] == inf);
    CHECK(se.data()[4] == 0);
    CHECK(st.data()[1] == 1);
    CHECK(st.data()[2] == -1);
    CHECK(st.data()[5] == Real(1e-30));
    CHECK(ss.data()[1] == 1);
    CHECK(ss.data()[2] == 0);
    CHECK(ss.data()[6] == Real(0.5));
    // An element gets the same bits wherever it sits: in the vector body of a
    // long array or alone (the scalar tail), so fused and composed ops that
    // share these kernels agree.
    if (!scalar) {
      for (Index i : {Index{0}, Index{17}, xs.numel() - 1}) {
        const Tensor one = slice(xs, 0, i, i + 1).clone();
        CHECK(exp(one).data()[0] == e.data()[i]);
        CHECK(tanh(one).data()[0] == t.data()[i]);
        CHECK(sigmoid(one).data()[0] == s.data()[i]);
      }
    }
  }
  use_kernel(saved);
}
