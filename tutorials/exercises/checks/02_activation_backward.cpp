// Grades exercise 2 against the library's tanh and sigmoid, and by gradcheck.
#include "tutorials/exercises/02_activation_backward.h"
#include "tutorials/exercises/grading.h"

using namespace atto;
using namespace atto::exercise;

namespace {

using Backward = Tensor (*)(const Tensor&, const Tensor&);
using Forward = Var (*)(const Var&);

std::string against_library(Forward library, Backward learner, std::uint64_t seed) {
  Generator gen(seed);
  Var x(gen.normal({4, 5}, 0, 2), true);
  const Var y = library(x);
  const Tensor g = gen.normal({4, 5});
  y.backward(g);
  return compare("dL/dx", learner(y.value(), g), x.grad());
}

// The library's forward with the learner's backward, for gradcheck.
Var with_your_backward(const char* name, Forward library, Backward learner, const Var& x) {
  const Tensor y = library(Var(x.value())).value();
  return record(name, "y = f(x)  ->  dx = your backward(y, g)", y, {x},
                [y, learner](const Tensor& g) { return Grads{learner(y, g)}; });
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 2: the backward of tanh and sigmoid");
  const Forward tanh_forward = [](const Var& x) { return tanh(x); };
  const Forward sigmoid_forward = [](const Var& x) { return sigmoid(x); };
  grader.check("tanh: dL/dx on a (4,5) input", [&] { return against_library(tanh_forward, tanh_backward, 1); });
  grader.check("sigmoid: dL/dx on a (4,5) input", [&] { return against_library(sigmoid_forward, sigmoid_backward, 2); });
  grader.check("tanh: gradcheck of your backward", [&] {
    return gradient_check("tanh", [&](const std::vector<Var>& v) {
      return with_your_backward("tanh", tanh_forward, tanh_backward, v[0]);
    }, {Generator(3).normal({2, 3})});
  });
  grader.check("sigmoid: gradcheck of your backward", [&] {
    return gradient_check("sigmoid", [&](const std::vector<Var>& v) {
      return with_your_backward("sigmoid", sigmoid_forward, sigmoid_backward, v[0]);
    }, {Generator(4).normal({2, 3})});
  });
  return grader.finish();
}
