// Grades exercise 3 against the library's matmul, and by gradcheck. Square
// matrices come last: with them a forgotten transpose has the right shape,
// and only the numbers can tell.
#include "tutorials/exercises/03_matmul_backward.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

using namespace atto;
using namespace atto::exercise;

namespace {

std::string against_library(Index m, Index k, Index n, std::uint64_t seed) {
  Generator gen(seed);
  Var a(gen.normal({m, k}), true), b(gen.normal({k, n}), true);
  const Tensor g = gen.normal({m, n});
  matmul(a, b).backward(g);
  const Grads yours = matmul_backward(a.value(), b.value(), g);
  if (yours.size() != 2) return fmt::format("return two gradients, one per input; you return {}", yours.size());
  const std::string for_a = compare("dL/da", yours[0], a.grad());
  return for_a.empty() ? compare("dL/db", yours[1], b.grad()) : for_a;
}

Var yours(const Var& a, const Var& b) {
  return record("matmul", "C = A B  ->  (dA, dB) = your matmul_backward(A, B, G)", matmul(a.value(), b.value()), {a, b},
                [a = a.value(), b = b.value()](const Tensor& g) { return matmul_backward(a, b, g); });
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 3: the backward of a matrix product");
  grader.check("(3,5) x (5,2): shapes and values", [] { return against_library(3, 5, 2, 1); });
  grader.check("(1,4) x (4,6): a single row", [] { return against_library(1, 4, 6, 2); });
  grader.check("(4,4) x (4,4): square, where a transpose is easy to forget", [] { return against_library(4, 4, 4, 3); });
  grader.check("gradcheck of your backward, (3,3) x (3,3)", [] {
    Generator gen(4);
    return gradient_check("matmul", [](const std::vector<Var>& v) { return yours(v[0], v[1]); },
                          {gen.normal({3, 3}), gen.normal({3, 3})});
  });
  return grader.finish();
}
