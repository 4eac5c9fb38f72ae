// Grades exercise 4: values against the library's softmax, huge scores,
// masked rows, rows summing to 1, and the backward by gradcheck.
#include "tutorials/exercises/04_softmax.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

using namespace atto;
using namespace atto::exercise;

namespace {

Var yours(const Var& x) {
  const Tensor y = stable_softmax(x.value());
  return record("softmax", "y = softmax(x)  ->  dx = your softmax_backward(y, g)", y, {x},
                [y](const Tensor& g) { return Grads{softmax_backward(y, g)}; });
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 4: a stable softmax and its backward");
  grader.check("values on a (3,5) input", [] {
    const Tensor x = Generator(1).normal({3, 5});
    return compare("softmax", stable_softmax(x), softmax(x));
  });
  grader.check("scores of 1000: no overflow", [] {
    const Tensor x = tensor({{1000, 1001, 1002}, {-1000, -1001, -1002}});
    const Tensor y = stable_softmax(x);
    for (Index i = 0; i < y.numel(); ++i) {
      if (!std::isfinite(y.data()[i])) return std::string("e^1000 overflowed: subtract each row's maximum first");
    }
    return compare("softmax of huge scores", y, softmax(x));
  });
  grader.check("every row sums to 1, on a (2,3,4) input (the last axis only)", [] {
    const Tensor y = stable_softmax(Generator(2).normal({2, 3, 4}));
    return compare("the sums of your rows", sum(y, -1), ones({2, 3}));
  });
  grader.check("a fully masked row (all -inf) gives zeros, not NaN", [] {
    const Real inf = std::numeric_limits<Real>::infinity();
    return compare("softmax of a masked row", stable_softmax(tensor({{-inf, -inf, -inf}, {0, -inf, 1}})),
                   softmax(tensor({{-inf, -inf, -inf}, {0, -inf, 1}})));
  });
  grader.check("backward against the library on a (3,4) input", [] {
    Generator gen(3);
    Var x(gen.normal({3, 4}), true);
    const Tensor g = gen.normal({3, 4});
    softmax(x).backward(g);
    return compare("dL/dx", softmax_backward(softmax(x.value()), g), x.grad());
  });
  grader.check("gradcheck of your softmax with your backward", [] {
    return gradient_check("softmax", [](const std::vector<Var>& v) { return yours(v[0]); },
                          {Generator(4).normal({2, 4})});
  });
  return grader.finish();
}
