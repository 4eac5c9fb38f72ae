// Grades exercise 1 against the library's own product and by gradcheck.
#include "tutorials/exercises/01_broadcast_backward.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

using namespace atto;
using namespace atto::exercise;

namespace {

// The library's gradients of sum(g * (a * b)) for a and b.
Grads library_gradients(const Tensor& a, const Tensor& b, const Tensor& g) {
  Var va(a, true), vb(b, true);
  (va * vb).backward(g);
  return {va.grad(), vb.grad()};
}

std::string against_library(const Shape& a_shape, const Shape& b_shape, std::uint64_t seed) {
  Generator gen(seed);
  const Tensor a = gen.normal(a_shape), b = gen.normal(b_shape);
  const Tensor g = gen.normal(broadcast_shapes("mul", a_shape, b_shape));
  const Grads yours = mul_backward(a, b, g), right = library_gradients(a, b, g);
  if (yours.size() != 2) return fmt::format("return two gradients, one per input; you return {}", yours.size());
  for (int i = 0; i < 2; ++i) {
    const std::string reason = compare(fmt::format("the gradient for {}", i == 0 ? "a" : "b"), yours[i], right[i]);
    if (!reason.empty()) {
      const bool stretched = !(yours[i].shape() == (i == 0 ? a_shape : b_shape));
      return stretched ? reason + " (an input stretched by broadcasting needs its gradient summed back: sum_to)"
                       : reason;
    }
  }
  return "";
}

// The learner's backward inside an op, for gradcheck.
Var yours(const Var& a, const Var& b) {
  return record("mul", "out = a * b  ->  (da, db) = your mul_backward(a, b, g)", mul(a.value(), b.value()), {a, b},
                [a = a.value(), b = b.value()](const Tensor& g) { return mul_backward(a, b, g); });
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 1: the backward of a * b, with broadcasting");
  grader.check("same shapes, (3,4) * (3,4)", [] { return against_library({3, 4}, {3, 4}, 1); });
  grader.check("b stretched over rows, (3,4) * (4)", [] { return against_library({3, 4}, {4}, 2); });
  grader.check("a stretched along a middle axis, (2,1,4) * (2,3,4)", [] { return against_library({2, 1, 4}, {2, 3, 4}, 3); });
  grader.check("both stretched, (3,1) * (1,5)", [] { return against_library({3, 1}, {1, 5}, 4); });
  grader.check("gradcheck of your backward, (2,3) * (3)", [] {
    Generator gen(5);
    return gradient_check("mul", [](const std::vector<Var>& v) { return yours(v[0], v[1]); },
                          {gen.normal({2, 3}), gen.normal({3})});
  });
  return grader.finish();
}
