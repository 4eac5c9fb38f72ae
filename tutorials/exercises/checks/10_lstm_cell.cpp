// Grades exercise 10 against the library's composed LSTM cell: one step
// forward, one step backward (all six gradients), a sequence of steps
// through time, and a gradient check of your cell chained over time.
#include "tutorials/exercises/10_lstm_cell.h"
#include "tutorials/exercises/checks/your_lstm_step.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

using namespace atto;
using namespace atto::exercise;

namespace {

constexpr Index kBatch = 2, kIn = 3, kUnits = 4;

LSTMWeights random_weights(Generator& gen) {
  return {gen.normal({kIn, 4 * kUnits}, 0, 0.5), gen.normal({kUnits, 4 * kUnits}, 0, 0.5),
          gen.normal({4 * kUnits}, 0, 0.5)};
}

// Steps over x (B, T, In) from zero state with your cell or the library's;
// returns the last [h | c].
Var run_sequence(bool yours, const Var& x, const Var& kernel, const Var& recurrent, const Var& bias) {
  Var h(zeros({kBatch, kUnits})), c(zeros({kBatch, kUnits}));
  for (Index t = 0; t < x.shape()[1]; ++t) {
    const Var x_t = reshape(slice(x, 1, t, t + 1), {kBatch, kIn});
    if (yours) {
      const Var both = your_lstm_step(x_t, h, c, kernel, recurrent, bias);
      h = slice(both, 1, 0, kUnits);
      c = slice(both, 1, kUnits, 2 * kUnits);
    } else {
      const LSTMState next = lstm_cell_composed(x_t, {h, c}, kernel, recurrent, bias);
      h = next.h;
      c = next.c;
    }
  }
  return concat({h, c}, 1);
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 10: an LSTM cell, forward and backward through time");
  grader.check("one step forward: h' and c' against the library's cell", [] {
    Generator gen(1);
    const LSTMWeights w = random_weights(gen);
    const Tensor x = gen.normal({kBatch, kIn}), h = gen.normal({kBatch, kUnits}), c = gen.normal({kBatch, kUnits});
    const CellStep yours = lstm_cell_forward(x, h, c, w);
    const LSTMState library = lstm_cell_composed(Var(x), {Var(h), Var(c)}, Var(w.kernel), Var(w.recurrent), Var(w.bias));
    const std::string wrong = compare("h'", yours.h, library.h.value());
    return wrong.empty() ? compare("c'", yours.c, library.c.value()) : wrong;
  });
  grader.check("one step backward: all six gradients against the library's", [] {
    Generator gen(2);
    const LSTMWeights w = random_weights(gen);
    Var x(gen.normal({kBatch, kIn}), true), h(gen.normal({kBatch, kUnits}), true), c(gen.normal({kBatch, kUnits}), true);
    Var kernel(w.kernel, true), recurrent(w.recurrent, true), bias(w.bias, true);
    const Tensor dh = gen.normal({kBatch, kUnits}), dc = gen.normal({kBatch, kUnits});
    const LSTMState next = lstm_cell_composed(x, {h, c}, kernel, recurrent, bias);
    (sum(next.h * Var(dh)) + sum(next.c * Var(dc))).backward();
    const CellStep step = lstm_cell_forward(x.value(), h.value(), c.value(), w);
    const CellGrads d = lstm_cell_backward(x.value(), h.value(), c.value(), w, step, dh, dc);
    const std::pair<const char*, std::pair<Tensor, Tensor>> pairs[] = {
        {"dx", {d.x, x.grad()}}, {"dh", {d.h, h.grad()}}, {"dc", {d.c, c.grad()}},
        {"dkernel", {d.kernel, kernel.grad()}}, {"drecurrent", {d.recurrent, recurrent.grad()}},
        {"dbias", {d.bias, bias.grad()}}};
    for (const auto& [name, got_want] : pairs) {
      const std::string wrong = compare(name, got_want.first, got_want.second);
      if (!wrong.empty()) return wrong;
    }
    return std::string();
  });
  grader.check("through time: 6 steps, the gradients of the inputs and the weights", [] {
    Generator gen(3);
    const LSTMWeights w = random_weights(gen);
    const Tensor xs = gen.normal({kBatch, 6, kIn}), upstream = gen.normal({kBatch, 2 * kUnits});
    Var x1(xs, true), k1(w.kernel, true), r1(w.recurrent, true), b1(w.bias, true);
    Var x2(xs.clone(), true), k2(w.kernel.clone(), true), r2(w.recurrent.clone(), true), b2(w.bias.clone(), true);
    run_sequence(true, x1, k1, r1, b1).backward(upstream);
    run_sequence(false, x2, k2, r2, b2).backward(upstream);
    std::string wrong = compare("dL/dx over the sequence", x1.grad(), x2.grad());
    if (wrong.empty()) wrong = compare("dL/dkernel", k1.grad(), k2.grad());
    if (wrong.empty()) wrong = compare("dL/drecurrent", r1.grad(), r2.grad());
    return wrong.empty() ? compare("dL/dbias", b1.grad(), b2.grad()) : wrong;
  });
  grader.check("gradcheck of your cell chained over 3 steps", [] {
    Generator gen(4);
    const LSTMWeights w = random_weights(gen);
    return gradient_check(
        "lstm_through_time",
        [](const std::vector<Var>& v) { return run_sequence(true, v[0], v[1], v[2], v[3]); },
        {gen.normal({kBatch, 3, kIn}), w.kernel, w.recurrent, w.bias});
  });
  return grader.finish();
}
