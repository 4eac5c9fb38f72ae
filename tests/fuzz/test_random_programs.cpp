// Property test: thousands of random programs of tensor ops on random shapes
// (dimensions of 0 and 1 and rank 0 included; in one program in four, +inf,
// -inf and NaN among the values) run both in attograd and in plain loops
// written from the documented rules (naive.h). Each op must either give the
// same values, or throw the documented exception (an atto::Error
// whose message starts with the op's name) exactly when the rules say the
// arguments are wrong. Some programs are then gradient-checked end to end:
// the full Jacobian of a weighted sum of every intermediate against central
// differences. A failure names the program's seed and its steps.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "autograd/autograd.h"
#include "naive.h"

using namespace atto;

namespace {

struct Step {
  std::string op, text;
  std::function<Var(const std::vector<Var>&)> run;
  std::function<naive::Result(const std::vector<naive::Array>&)> reference;
};

class ProgramMaker {
 public:
  // With `specials`, about one element in twelve of every array made is
  // +inf, -inf or NaN.
  ProgramMaker(std::uint64_t seed, bool specials) : random_(seed), specials_(specials) {}

  Index pick(Index n) { return static_cast<Index>(random_() % static_cast<std::uint64_t>(n)); }
  int between(int low, int high) { return low + static_cast<int>(pick(high - low + 1)); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }

  Shape random_shape(int max_rank = 3) {
    Shape shape;
    for (int i = between(0, max_rank); i > 0; --i) shape.push_back(chance(0.1) ? 0 : chance(0.25) ? 1 : between(2, 4));
    return shape;
  }
  // A shape that broadcasts against `like` (or, sometimes, one that does not).
  Shape partner_shape(const Shape& like) {
    if (chance(0.15)) return random_shape();
    Shape shape;
    for (int i = static_cast<int>(pick(2)) * std::min(like.rank(), 1); i < like.rank(); ++i) {
      shape.push_back(chance(0.3) ? 1 : like[i]);
    }
    return shape;
  }
  naive::Array random_array(const Shape& shape) {
    naive::Array a{shape, {}};
    std::normal_distribution<double> normal;
    const double special[] = {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::quiet_NaN()};
    for (Index i = 0; i < shape.numel(); ++i) {
      const double v = static_cast<double>(static_cast<float>(normal(random_)));
      a.values.push_back(specials_ && chance(1.0 / 12) ? special[pick(3)] : v);
    }
    return a;
  }

  Step random_step(const std::vector<naive::Array>& pool);

 private:
  std::mt19937_64 random_;
  bool specials_;
};

Tensor to_tensor(const naive::Array& a) {
  Tensor t = Tensor::empty(a.shape);
  for (Index i = 0; i < t.numel(); ++i) t.data()[i] = a.values[i];
  return t;
}

Var apply(naive::Binary op, const Var& a, const Var& b) {
  return op == naive::Binary::add ? a + b : op == naive::Binary::sub ? a - b : a * b;
}

Step ProgramMaker::random_step(const std::vector<naive::Array>& pool) {
  const Index x = pick(static_cast<Index>(pool.size())), y = pick(static_cast<Index>(pool.size()));
  const Shape& shape = pool[x].shape;
  const int rank = shape.rank(), axis = between(-rank - 1, rank);
  const std::string on = fmt::format("v{} {}", x, shape);
  switch (pick(13)) {
    case 0:
    case 1: {
      const auto op = static_cast<naive::Binary>(pick(3));
      const char* name = op == naive::Binary::add ? "add" : op == naive::Binary::sub ? "sub" : "mul";
      if (chance(0.5)) {  // against another value
        return {name, fmt::format("{}({}, v{} {})", name, on, y, pool[y].shape),
                [=](const auto& v) { return apply(op, v[x], v[y]); },
                [=](const auto& v) { return naive::binary(op, v[x], v[y]); }};
      }
      const naive::Array constant = random_array(partner_shape(shape));
      const Tensor c = to_tensor(constant);
      return {name, fmt::format("{}({}, constant {})", name, on, constant.shape),
              [=](const auto& v) { return apply(op, v[x], Var(c)); },
              [=](const auto& v) { return naive::binary(op, v[x], constant); }};
    }
    case 2: {
      const auto op = static_cast<naive::Unary>(pick(5));
      const char* names[] = {"neg", "tanh", "sigmoid", "relu", "exp(tanh)"};
      return {names[static_cast<int>(op)], fmt::format("{}({})", names[static_cast<int>(op)], on),
              [=](const auto& v) {
                switch (op) {
                  case naive::Unary::neg:
                    return -v[x];
                  case naive::Unary::tanh:
                    return tanh(v[x]);
                  case naive::Unary::sigmoid:
                    return sigmoid(v[x]);
                  case naive::Unary::relu:
                    return relu(v[x]);
                  default:
                    return exp(tanh(v[x]));
                }
              },
              [=](const auto& v) -> naive::Result { return naive::unary(op, v[x]); }};
    }
    case 3:
    case 4: {
      const bool keepdim = chance(0.5), is_max = pick(2) == 0;
      const char* name = is_max ? "max" : "sum";
      return {
          name, fmt::format("{}({}, axis {}, keepdim {})", name, on, axis, keepdim),
          [=](const auto& v) { return is_max ? max(v[x], axis, keepdim) : sum(v[x], axis, keepdim); },
          [=](const auto& v) { return is_max ? naive::max(v[x], axis, keepdim) : naive::sum(v[x], axis, keepdim); }};
    }
    case 5: {
      // Mostly a right-hand side whose inner dimension fits.
      Shape rhs = chance(0.5) && rank >= 1 ? Shape{shape[rank - 1], static_cast<Index>(between(0, 3))} : random_shape();
      if (chance(0.3) && rank == 3 && rhs.rank() == 2) rhs = Shape{chance(0.5) ? 1 : shape[0], rhs[0], rhs[1]};
      const naive::Array constant = random_array(rhs);
      const Tensor c = to_tensor(constant);
      return {"matmul", fmt::format("matmul({}, constant {})", on, rhs),
              [=](const auto& v) { return matmul(v[x], Var(c)); },
              [=](const auto& v) { return naive::matmul(v[x], constant); }};
    }
    case 6:
      return {"transpose", fmt::format("transpose({})", on), [=](const auto& v) { return transpose(v[x]); },
              [=](const auto& v) { return naive::transpose(v[x]); }};
    case 7: {
      Shape target;
      Index left = shape.numel();
      while (left > 1 && target.rank() < 3) {
        Index factor = 2;
        while (left % factor != 0) ++factor;
        target.push_back(factor);
        left /= factor;
      }
      if (left != 1) target.push_back(left);  // 0 elements
      if (chance(0.1)) target.push_back(2);   // the wrong size (or 0 * 2: still right)
      return {"reshape", fmt::format("reshape({}, {})", on, target),
              [=](const auto& v) { return reshape(v[x], target); },
              [=](const auto& v) { return naive::reshape(v[x], target); }};
    }
    case 8: {
      const Index size = rank > 0 ? shape[(axis % rank + rank) % rank] : 1;
      const Index start = between(-static_cast<int>(size) - 2, static_cast<int>(size) + 1);
      const Index stop = between(-static_cast<int>(size) - 2, static_cast<int>(size) + 2), step = between(0, 3);
      return {"slice", fmt::format("slice({}, axis {}, {}:{}:{})", on, axis, start, stop, step),
              [=](const auto& v) { return slice(v[x], axis, start, stop, step); },
              [=](const auto& v) { return naive::slice(v[x], axis, start, stop, step); }};
    }
    case 9:
      return {"concat", fmt::format("concat({}, v{} {}, axis {})", on, y, pool[y].shape, axis),
              [=](const auto& v) {
                return concat({v[x], v[y]}, axis);
              },
              [=](const auto& v) { return naive::concat(v[x], v[y], axis); }};
    case 10:
      return {"softmax", fmt::format("softmax({})", on), [=](const auto& v) { return softmax(v[x]); },
              [=](const auto& v) { return naive::softmax(v[x]); }};
    case 11: {
      const bool un = chance(0.5);
      return {un ? "unsqueeze" : "squeeze", fmt::format("{}({}, axis {})", un ? "unsqueeze" : "squeeze", on, axis),
              [=](const auto& v) { return un ? unsqueeze(v[x], axis) : squeeze(v[x], axis); },
              [=](const auto& v) { return un ? naive::unsqueeze(v[x], axis) : naive::squeeze(v[x], axis); }};
    }
    default: {
      Shape target = chance(0.5) ? Shape{static_cast<Index>(between(1, 3))} : Shape{};
      for (Index d : shape) target.push_back(d == 1 && chance(0.5) ? between(0, 3) : chance(0.1) ? d + 1 : d);
      return {"expand", fmt::format("expand({}, {})", on, target), [=](const auto& v) { return expand(v[x], target); },
              [=](const auto& v) { return naive::expand(v[x], target); }};
    }
  }
}

double largest(const naive::Array& a) {
  double top = 0;
  for (double v : a.values) top = std::max(top, std::abs(v));
  return top;
}

// Equal shapes and values within 1e-12 relative (sums may add in another
// order); NaN where the other has NaN, the same infinities.
bool same(const Tensor& got, const naive::Array& want) {
  if (!(got.shape() == want.shape)) return false;
  for (Index i = 0; i < got.numel(); ++i) {
    const double g = got.data()[i], w = want.values[i];
    if (std::isnan(g) || std::isnan(w) || std::isinf(g) || std::isinf(w)) {
      if (!(g == w || (std::isnan(g) && std::isnan(w)))) return false;
    } else if (!(std::abs(g - w) <= 1e-12 * (1 + std::abs(w)))) {
      return false;
    }
  }
  return true;
}

struct Tally {
  Index ops = 0, errors = 0, gradchecks = 0, special_programs = 0;
};

// One program in four has special values in its arrays; those are not
// gradient-checked (central differences need finite values).
void run_program(std::uint64_t seed, Tally& tally) {
  const bool specials = seed % 4 == 3;
  ProgramMaker maker(seed, specials);
  std::vector<naive::Array> reference;
  for (int i = maker.between(1, 3); i > 0; --i) reference.push_back(maker.random_array(maker.random_shape()));
  std::vector<Tensor> leaves;
  for (const auto& a : reference) leaves.push_back(to_tensor(a));
  std::vector<Var> values;
  for (const Tensor& t : leaves) values.emplace_back(t.clone(), true);

  std::vector<Step> kept;
  std::string listing;
  for (int s = 0; s < 8; ++s) {
    Step step = maker.random_step(reference);
    auto expected = step.reference(reference);
    listing += fmt::format("  v{} = {}{}\n", reference.size(), step.text, expected ? "" : "  (an error)");
    INFO("seed ", seed, ", program so far:\n", listing);
    if (!expected) {
      ++tally.errors;
      try {
        step.run(values);
        FAIL("no exception");
      } catch (const Error& e) {
        CHECK_MESSAGE(std::string(e.what()).starts_with(step.op), std::string(e.what()));
      }
      continue;
    }
    if (largest(*expected) > 20) {  // keep values where the differences of gradcheck stay accurate
      step.run = [run = step.run](const auto& v) { return tanh(run(v)); };
      expected = naive::unary(naive::Unary::tanh, *expected);
      listing += "    (then tanh)\n";
    }
    const Var got = step.run(values);
    ++tally.ops;
    REQUIRE_MESSAGE(same(got.value(), *expected), fmt::format("attograd {} {}", got.shape(), got.value()));
    reference.push_back(*expected);
    values.push_back(got);
    kept.push_back(step);
  }
  if (specials) ++tally.special_programs;
  if (seed % 8 != 0 || kept.empty()) return;
  // d/d(leaves) of sum_i <v_i, w_i> over every value the program made.
  std::vector<Tensor> weights;
  for (size_t i = leaves.size(); i < reference.size(); ++i)
    weights.push_back(to_tensor(maker.random_array(reference[i].shape)));
  const auto program = [&](const std::vector<Var>& inputs) {
    std::vector<Var> v = inputs;
    for (const Step& step : kept) v.push_back(step.run(v));
    Var total(scalar(0));
    for (size_t i = inputs.size(); i < v.size(); ++i) total = total + sum(v[i] * Var(weights[i - inputs.size()]));
    return total;
  };
  // Random programs can legitimately have no gradient (a relu that is off,
  // a product with an empty constant): that is not a failure here.
  const GradcheckResult check = gradcheck("program", program, leaves, {.zero_gradient_expected = true});
  ++tally.gradchecks;
  INFO("seed ", seed, ", program:\n", listing);
  CHECK_MESSAGE(check.passed, check.report());
}

}  // namespace

TEST_CASE("random programs: same values as plain loops, or the documented exception; gradients check out") {
  Tally tally;
  for (std::uint64_t seed = 0; seed < 10000; ++seed) run_program(seed, tally);
  MESSAGE(fmt::format("{} ops compared, {} argument errors raised as documented, {} programs gradient-checked, "
                      "{} programs with +inf, -inf and NaN among their values",
                      tally.ops, tally.errors, tally.gradchecks, tally.special_programs));
  CHECK(tally.ops > 40000);
  CHECK(tally.errors > 20000);
  CHECK(tally.gradchecks > 1000);
  CHECK(tally.special_programs > 2000);
}
