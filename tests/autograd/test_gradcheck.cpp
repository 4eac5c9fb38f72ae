#include "autograd/autograd.h"

#include <doctest/doctest.h>

using namespace atto;

namespace {

// tanh with a backward that is wrong by 1% on element 2 only.
Var slightly_wrong_tanh(const Var& x) {
  Tensor y = atto::tanh(x.value());
  return record("slightly_wrong_tanh", "y = tanh(x)  ->  dx = g * (1 - y^2), one entry 1% off", y, {x}, [y](const Tensor& g) -> Grads {
    Tensor dx = map("slightly_wrong_tanh", y, g, [](Real yv, Real gv) { return gv * (1 - yv * yv); });
    dx.data()[2] *= 1.01;
    return {dx};
  });
}

}  // namespace

TEST_CASE("gradcheck: every registered op passes") {
  for (const OpCheck& check : op_checks()) {
    for (std::uint64_t seed : {0, 1, 2}) {
      const GradcheckResult result = run_op_check(check, seed);
      CAPTURE(result.report());
      CHECK(result.passed);
    }
  }
}

TEST_CASE("gradcheck: a backward off by 1% on one element is caught and located") {
  const GradcheckResult result = gradcheck(
      "slightly_wrong_tanh", [](const std::vector<Var>& v) { return slightly_wrong_tanh(v[0]); },
      {tensor({0.1, -0.3, 0.5, 0.7})});
  CHECK_FALSE(result.passed);
  CHECK(result.worst_input == 0);
  CHECK(result.worst_element == 2);
  CHECK(result.worst_output == 2);
  CHECK(result.analytic == doctest::Approx(1.01 * result.numeric).epsilon(1e-6));
  CHECK(result.report().find("FAIL") != std::string::npos);
  CHECK(result.report().find("slightly_wrong_tanh") != std::string::npos);
}

TEST_CASE("gradcheck: a vacuous check fails unless zero is expected") {
  // relu of negative inputs: every gradient, analytic and numeric, is zero.
  const auto fn = [](const std::vector<Var>& v) { return relu(v[0]); };
  const Tensor negative = tensor({-1, -2, -3});
  const GradcheckResult vacuous = gradcheck("relu", fn, {negative});
  CHECK_FALSE(vacuous.passed);
  CHECK(vacuous.failure == "vacuous: every analytic and numeric gradient is zero");
  GradcheckOptions zero_ok;
  zero_ok.zero_gradient_expected = true;
  CHECK(gradcheck("relu", fn, {negative}, zero_ok).passed);
}

TEST_CASE("gradcheck: NaN gradients and non-deterministic backward fail") {
  const GradcheckResult nan = gradcheck(
      "nan_grad",
      [](const std::vector<Var>& v) {
        return record("nan_grad", "out = x  ->  dx = NaN", v[0].value().clone(), {v[0]}, [](const Tensor& g) -> Grads {
          return {map(g, [](Real) { return std::numeric_limits<Real>::quiet_NaN(); })};
        });
      },
      {tensor({1, 2})});
  CHECK_FALSE(nan.passed);
  CHECK(nan.failure.find("analytic gradient is nan") != std::string::npos);

  int calls = 0;
  const GradcheckResult flaky = gradcheck(
      "flaky",
      [&calls](const std::vector<Var>& v) {
        return record("flaky", "out = x  ->  dx = g, a little more each call", v[0].value().clone(), {v[0]}, [&calls](const Tensor& g) -> Grads {
          return {g * (1 + 1e-12 * ++calls)};
        });
      },
      {tensor({1, 2})});
  CHECK_FALSE(flaky.passed);
  CHECK(flaky.failure == "backward is not deterministic (output element 0)");
}

TEST_CASE("gradcheck: an op defined outside the library, checked like the built-ins") {
  // softplus(x) = log(1 + e^x), with its own backward: sigmoid(x).
  const auto softplus = [](const Var& x) {
    return record("softplus", "y = log(1 + exp(x))  ->  dx = g * sigmoid(x)", atto::log(1 + atto::exp(x.value())), {x},
                  [x = x.value()](const Tensor& g) -> Grads { return {atto::mul(g, atto::sigmoid(x))}; });
  };
  const GradcheckResult result = gradcheck(
      "softplus", [&](const std::vector<Var>& v) { return softplus(v[0]); }, {Generator(4).normal({3, 3})});
  CAPTURE(result.report());
  CHECK(result.passed);
}

TEST_CASE("gradcheck: a registered op joins the table and the gradcheck program") {
  // The inverse square root unit, x / sqrt(1 + x^2), composed from primitives.
  const auto isru = [](const std::vector<Var>& v) { return v[0] * pow(1 + v[0] * v[0], -0.5); };
  register_op_check({"registered_isru", {{2, 3}}, isru});
  CHECK(op_checks().back().name == "registered_isru");
  CHECK_THROWS_WITH_AS(register_op_check({"registered_isru", {{2, 3}}, isru}),
                       "register_op_check: an op check named 'registered_isru' is already registered",
                       ArgumentError);
  const OpCheckTally tally = print_op_check_table("registered_");
  CHECK(tally.ran == 1);
  CHECK(tally.failed == 0);
  std::string program = "gradcheck", op = "--op", name = "registered_isru", bad = "--bogus";
  char* runs_it[] = {program.data(), op.data(), name.data()};
  CHECK(gradcheck_main(3, runs_it) == 0);
  char* unknown[] = {program.data(), op.data(), bad.data()};
  CHECK(gradcheck_main(3, unknown) == 2);
  char* bad_flag[] = {program.data(), bad.data()};
  CHECK(gradcheck_main(2, bad_flag) == 2);
}

// A learner's op whose backward throws (or whose forward does) is a FAIL in
// the report and in the table, with the op and the reason named; it must not
// escape the check and end the program.
TEST_CASE("gradcheck: a throwing backward or forward is reported as FAIL, with the op named") {
  const auto throwing_backward = [](const std::vector<Var>& v) {
    return record("throws_in_backward", "y = tanh(x)  ->  backward throws", atto::tanh(v[0].value()), {v[0]},
                  [](const Tensor&) -> Grads { throw std::runtime_error("index out of range in my backward"); });
  };
  const GradcheckResult backward = gradcheck("throws_in_backward", throwing_backward, {Generator(1).normal({2, 2})});
  CHECK_FALSE(backward.passed);
  CHECK(backward.failure == "backward threw: index out of range in my backward");
  CHECK(backward.report().starts_with("gradcheck throws_in_backward: FAIL (backward threw: "));
  const auto throwing_forward = [](const std::vector<Var>& v) -> Var { return matmul(v[0], v[0]); };
  const GradcheckResult forward = gradcheck("throws_in_forward", throwing_forward, {Generator(1).normal({2, 3})});
  CHECK_FALSE(forward.passed);
  CHECK(forward.failure == "forward threw: matmul: (2,3) x (2,3): inner dims 3 != 2");
  register_op_check({"throwing_backward_in_table", {{2, 2}}, throwing_backward});
  const OpCheckTally tally = print_op_check_table("throwing_backward_in_table");
  CHECK(tally.ran == 1);
  CHECK(tally.failed == 1);
}
