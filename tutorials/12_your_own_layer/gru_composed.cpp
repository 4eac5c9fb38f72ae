// Step 1 of tutorial 12: the GRU written from primitives, line for line the
// equations in gru.h. Nothing here mentions gradients: every op records
// itself, and backward() walks the recorded steps in reverse.
#include "tutorials/12_your_own_layer/gru.h"

namespace atto::tutorial {

Var gru_cell_composed(const Var& x, const Var& h, const Var& kernel, const Var& recurrent, const Var& input_bias,
                      const Var& recurrent_bias) {
  const Index units = recurrent.shape()[0];
  const Var a = matmul(x, kernel) + input_bias;
  const Var b = matmul(h, recurrent) + recurrent_bias;
  const auto gate = [units](const Var& v, Index k) { return slice(v, -1, k * units, (k + 1) * units); };
  const Var update = sigmoid(gate(a, 0) + gate(b, 0));
  const Var reset = sigmoid(gate(a, 1) + gate(b, 1));
  const Var candidate = tanh(gate(a, 2) + reset * gate(b, 2));
  return update * h + (1 - update) * candidate;
}

Var gru_sequence_composed(const Var& x, const Var& h0, const Var& kernel, const Var& recurrent,
                          const Var& input_bias, const Var& recurrent_bias, const Tensor& mask) {
  const Index batch = x.shape()[0], steps = x.shape()[1], units = recurrent.shape()[0];
  if (steps == 0) return Var(zeros({batch, 0, units}));
  Var h = h0;
  std::vector<Var> outputs;
  for (Index t = 0; t < steps; ++t) {
    const Var next = gru_cell_composed(squeeze(slice(x, 1, t, t + 1), 1), h, kernel, recurrent, input_bias,
                                       recurrent_bias);
    h = mask.numel() > 0 ? where(atto::slice(mask, 1, t, t + 1), next, h) : next;
    outputs.push_back(unsqueeze(h, 1));
  }
  return concat(outputs, 1);
}

}  // namespace atto::tutorial
