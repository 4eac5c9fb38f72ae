// Every binary op against every broadcast pattern, forward and backward:
// broadcasting in backward is the most repeated autograd bug there is.
#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <functional>

using namespace atto;

namespace {

struct Pattern {
  const char* name;
  Shape a, b;
};

const Pattern kPatterns[] = {
    {"same shape", {3, 4}, {3, 4}},
    {"scalar right", {3, 4}, {}},
    {"scalar left", {}, {3, 4}},
    {"row", {3, 4}, {4}},
    {"column", {3, 4}, {3, 1}},
    {"row x column", {3, 1}, {1, 4}},
    {"leading dims", {2, 3, 4}, {3, 4}},
    {"leading dims left", {3, 4}, {2, 3, 4}},
    {"size-1 middle", {2, 1, 4}, {2, 3, 1}},
};

struct BinaryOp {
  const char* name;
  std::function<Var(const Var&, const Var&)> var_op;
  std::function<Tensor(const Tensor&, const Tensor&)> tensor_op;
};

const BinaryOp kOps[] = {
    {"add", [](const Var& a, const Var& b) { return a + b; }, [](const Tensor& a, const Tensor& b) { return a + b; }},
    {"sub", [](const Var& a, const Var& b) { return a - b; }, [](const Tensor& a, const Tensor& b) { return a - b; }},
    {"mul", [](const Var& a, const Var& b) { return a * b; }, [](const Tensor& a, const Tensor& b) { return a * b; }},
    {"div", [](const Var& a, const Var& b) { return a / b; }, [](const Tensor& a, const Tensor& b) { return a / b; }},
    {"where",
     [](const Var& a, const Var& b) { return where(greater(a.value(), b.value()), a, b); },
     [](const Tensor& a, const Tensor& b) { return maximum(a, b); }},
};

}  // namespace

TEST_CASE("broadcast: every binary op, every pattern, forward and backward") {
  Generator gen(12);
  for (const BinaryOp& op : kOps) {
    for (const Pattern& pattern : kPatterns) {
      CAPTURE(op.name);
      CAPTURE(pattern.name);
      // Inputs in [0.5, 2) keep div away from 0; where needs a != b, which holds almost surely.
      const Tensor a = gen.uniform(pattern.a, 0.5, 2), b = gen.uniform(pattern.b, 0.5, 2);
      const Var out = op.var_op(Var(a), Var(b));
      CHECK(allclose(out.value(), op.tensor_op(a, b), 0, 0));
      // Weighting the output makes every element's gradient distinct.
      const auto weighted = [&](const std::vector<Var>& v) {
        const Var y = op.var_op(v[0], v[1]);
        return y * Var(arange(static_cast<Real>(y.value().numel())).reshape(y.shape()) + 1);
      };
      const GradcheckResult result = gradcheck(op.name, weighted, {a, b});
      CAPTURE(result.report());
      CHECK(result.passed);
    }
  }
}

TEST_CASE("broadcast: gradients have their operand's shape") {
  Var a(ones({3, 1}), true), b(ones({4}), true);
  sum(a * b).backward();
  CHECK(a.grad().shape() == Shape{3, 1});
  CHECK(a.grad().data()[0] == 4);
  CHECK(b.grad().shape() == Shape{4});
  CHECK(b.grad().data()[0] == 3);
}
