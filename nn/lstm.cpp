#include "nn/lstm.h"

#include "autograd/ops.h"
#include "core/errors.h"
#include "nn/init.h"

namespace atto {

namespace {

Tensor unit_forget_bias(Index units) {
  Tensor bias = zeros({4 * units});
  std::fill_n(bias.data() + units, units, Real(1));
  return bias;
}

// The gates' width, 4 units, once the recurrent kernel (units, 4 units)
// is known to be countable.
Index four_units(Index units) {
  (void)parameter_shape("LSTMCell", "recurrent_kernel", {positive_size("LSTMCell", "units", units), 4, units});
  return 4 * units;
}

}  // namespace

LSTMCell::LSTMCell(Index input_dim, Index units, Generator& gen)
    : kernel_(
          init::glorot_uniform(parameter_shape("LSTMCell", "kernel",
                                               {positive_size("LSTMCell", "input_dim", input_dim),
                                                four_units(units)}),
                               gen),
          true),
      recurrent_kernel_(init::orthogonal({units, 4 * units}, 1, gen), true),
      bias_(unit_forget_bias(units), true) {
  register_parameter("kernel", kernel_);
  register_parameter("recurrent_kernel", recurrent_kernel_);
  register_parameter("bias", bias_);
}

LSTMState LSTMCell::forward(const Var& x, const LSTMState& state) const {
  const bool shapes_fit = x.value().rank() == 2 && x.shape()[1] == input_dim() &&
                          state.h.shape() == Shape{x.shape()[0], units()} && state.c.shape() == state.h.shape();
  if (!shapes_fit) {
    throw_shape_error("LSTMCell", "x {}, h {}, c {}: need x (B, {}) and h, c (B, {})", x.shape(), state.h.shape(),
                      state.c.shape(), input_dim(), units());
  }
  return lstm_cell_composed(x, state, kernel_, recurrent_kernel_, bias_);
}

LSTMState LSTMCell::zero_state(Index batch) const {
  return {Var(zeros({batch, units()})), Var(zeros({batch, units()}))};
}

LSTM::LSTM(Index input_dim, Index units, LSTMOptions options, Generator& gen)
    : cell_(input_dim, units, gen), options_(options) {
  if (options.implementation != LSTMImplementation::fused && options.implementation != LSTMImplementation::composed) {
    throw_argument_error("LSTM", "implementation {} is neither LSTMImplementation::fused nor ::composed",
                         static_cast<int>(options.implementation));
  }
  register_module("cell", cell_);
}

LSTM::Result LSTM::forward(const Var& x, const std::optional<LSTMState>& initial_state, const Tensor& mask) const {
  if (x.value().rank() != 3 || x.shape()[2] != cell_.input_dim()) {
    throw_shape_error("LSTM", "input {}: need (batch, steps, {})", x.shape(), cell_.input_dim());
  }
  const Index batch = x.shape()[0], steps = x.shape()[1], u = units();
  const LSTMState start = initial_state ? *initial_state : cell_.zero_state(batch);
  const Shape state_shape{batch, u};
  if (!(start.h.shape() == state_shape) || !(start.c.shape() == state_shape)) {
    throw_shape_error("LSTM", "initial state h {}, c {} for input {}: need ({}, {}) each", start.h.shape(),
                      start.c.shape(), x.shape(), batch, u);
  }
  if (mask.numel() > 0 && !(mask.shape() == Shape{batch, steps})) {
    throw_shape_error("LSTM", "mask {} for input {}: need ({}, {})", mask.shape(), x.shape(), batch, steps);
  }
  if (steps == 0) {
    return {options_.return_sequences ? Var(zeros({batch, 0, u})) : start.h, start};
  }
  const auto run = options_.implementation == LSTMImplementation::fused ? lstm_sequence : lstm_sequence_composed;
  const Var states = run(x, start.h, start.c, cell_.kernel(), cell_.recurrent_kernel(), cell_.bias(), mask);
  const Var last = squeeze(slice(states, 1, steps - 1, steps), 1);  // (B, 2U)
  const LSTMState final_state{slice(last, 1, 0, u), slice(last, 1, u, 2 * u)};
  return {options_.return_sequences ? slice(states, 2, 0, u) : final_state.h, final_state};
}

}  // namespace atto
