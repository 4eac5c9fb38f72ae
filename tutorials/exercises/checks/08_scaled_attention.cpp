// Grades exercise 8 against the library's fused attention: batched, stable,
// scaled, with gradients, and mismatched shapes refused.
#include "tutorials/exercises/08_scaled_attention.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

std::string against_library(Index batch, Index tq, Index tk, Index d, Index dv, std::uint64_t seed) {
  Generator gen(seed);
  const Var q(gen.normal({batch, tq, d})), k(gen.normal({batch, tk, d})), v(gen.normal({batch, tk, dv}));
  const AttentionResult yours = scaled_dot_product(q, k, v);
  const Real scale = 1 / std::sqrt(static_cast<Real>(d));
  const std::string output = compare("the output", yours.output.value(),
                                     scaled_dot_product_attention(q, k, v, scale).value());
  if (!output.empty()) return output;
  return compare("the weights", yours.weights.value(),
                 softmax(matmul(q.value(), k.value(), Transpose::b) * scale));
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 8: scaled dot-product attention, batched and stable");
  grader.check("one example, (1,3,4) queries over (1,5,4) keys", [] { return against_library(1, 3, 5, 4, 2, 1); });
  grader.check("a batch of 3, with Tq != Tk and dv != d", [] { return against_library(3, 2, 6, 8, 5, 2); });
  grader.check("each row of weights sums to 1", [] {
    Generator gen(3);
    const AttentionResult yours = scaled_dot_product(Var(gen.normal({2, 4, 3})), Var(gen.normal({2, 5, 3})),
                                                     Var(gen.normal({2, 5, 3})));
    return compare("the row sums", sum(yours.weights.value(), -1), ones({2, 4}));
  });
  grader.check("queries 1000 times too large: no overflow, no NaN", [] {
    Generator gen(4);
    const Var q(gen.normal({2, 3, 4}) * Real(1000)), k(gen.normal({2, 5, 4})), v(gen.normal({2, 5, 2}));
    const AttentionResult yours = scaled_dot_product(q, k, v);
    for (Index i = 0; i < yours.output.value().numel(); ++i) {
      if (!std::isfinite(yours.output.value().data()[i])) return std::string("the output has inf or NaN");
    }
    return compare("the output", yours.output.value(), scaled_dot_product_attention(q, k, v, 0.5).value());
  });
  grader.check("scaled by 1/sqrt(d): with d = 256 the scores' spread stays about 1", [] {
    Generator gen(5);
    const Var q(gen.normal({4, 16, 256})), k(gen.normal({4, 16, 256})), v(gen.normal({4, 16, 2}));
    const AttentionResult yours = scaled_dot_product(q, k, v);
    const Tensor unscaled = softmax(matmul(q.value(), k.value(), Transpose::b));
    const Real largest = max(yours.weights.value()).item();
    if (largest > 0.999) {
      return fmt::format("a weight of {:.4f}: the softmax saturates (unscaled it would: largest {:.4f})", largest,
                         max(unscaled).item());
    }
    return compare("the weights", yours.weights.value(),
                   softmax(matmul(q.value(), k.value(), Transpose::b) * Real(1.0 / 16)));
  });
  grader.check("gradients of q, k and v against the library's", [] {
    Generator gen(6);
    const Tensor qv = gen.normal({2, 3, 4}), kv = gen.normal({2, 5, 4}), vv = gen.normal({2, 5, 3}), g = gen.normal({2, 3, 3});
    Var q(qv, true), k(kv, true), v(vv, true), q2(qv.clone(), true), k2(kv.clone(), true), v2(vv.clone(), true);
    scaled_dot_product(q, k, v).output.backward(g);
    scaled_dot_product_attention(q2, k2, v2, 0.5).backward(g);
    std::string wrong = compare("dL/dq", q.grad(), q2.grad());
    if (wrong.empty()) wrong = compare("dL/dk", k.grad(), k2.grad());
    return wrong.empty() ? compare("dL/dv", v.grad(), v2.grad()) : wrong;
  });
  grader.check("keys of the wrong width are refused with an exception", [] {
    Generator gen(7);
    try {
      (void)scaled_dot_product(Var(gen.normal({1, 2, 4})), Var(gen.normal({1, 3, 5})), Var(gen.normal({1, 3, 2})));
    } catch (const NotWrittenYet&) {
      throw;
    } catch (const std::exception&) {
      return std::string();
    }
    return std::string("queries of width 4 against keys of width 5 gave an answer");
  });
  return grader.finish();
}
