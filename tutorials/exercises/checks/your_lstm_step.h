// The learner's LSTM cell (exercise 10) as one op of attograd's graph, so
// that steps chain and backward runs through time with the learner's own
// backward: inputs x, h, c, kernel, recurrent, bias -> [h' | c'] (B, 2U).
#pragma once

#include "tutorials/exercises/10_lstm_cell.h"

namespace atto::exercise {

inline Var your_lstm_step(const Var& x, const Var& h, const Var& c, const Var& kernel, const Var& recurrent,
                          const Var& bias) {
  const LSTMWeights w{kernel.value(), recurrent.value(), bias.value()};
  const CellStep step = lstm_cell_forward(x.value(), h.value(), c.value(), w);
  const Index units = w.recurrent.dim(0);
  return record("your_lstm_cell", "[h | c] = your lstm_cell_forward(x, h, c)  ->  your lstm_cell_backward",
                concat({step.h, step.c}, 1), {x, h, c, kernel, recurrent, bias},
                [x = x.value(), h = h.value(), c = c.value(), w, step, units](const Tensor& g) {
                  const CellGrads d =
                      lstm_cell_backward(x, h, c, w, step, slice(g, 1, 0, units), slice(g, 1, units, 2 * units));
                  return Grads{d.x, d.h, d.c, d.kernel, d.recurrent, d.bias};
                });
}

}  // namespace atto::exercise
