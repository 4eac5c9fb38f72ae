// LSTMCell and LSTM with the semantics of Keras's layers (see
// docs/nn.md for the mapping to PyTorch's nn.LSTM).
//
// Weights: kernel (input_dim, 4 units), recurrent_kernel (units, 4 units), one
// bias (4 units), gates in the order i, f, c (candidate), o. Initialised like
// Keras: kernel glorot_uniform, recurrent kernel orthogonal, bias zeros except
// the forget gate's, which starts at 1 so that early in training the cell
// remembers by default (Jozefowicz et al., 2015).
//
// One step (x_t (B, input_dim); h, c (B, units)):
//   z = x_t kernel + h_{t-1} recurrent_kernel + bias
//   i = sig(z_i)  f = sig(z_f)  g = tanh(z_c)  o = sig(z_o)
//   c_t = f * c_{t-1} + i * g        h_t = o * tanh(c_t)
#pragma once

#include "autograd/composed.h"
#include "core/random.h"
#include "nn/module.h"

#include <optional>

namespace atto {

// One step at a time, composed from primitives: what a decoder that feeds
// its own predictions back calls in a loop.
class LSTMCell : public Module {
 public:
  LSTMCell(Index input_dim, Index units, Generator& gen = default_generator());
  // x (B, input_dim), state (B, units) each -> the next state; h is the output.
  LSTMState forward(const Var& x, const LSTMState& state) const;
  LSTMState operator()(const Var& x, const LSTMState& state) const {
    const GraphScope scope("LSTMCell step");
    return forward(x, state);
  }
  // h = c = 0, as Keras starts when no initial_state is given.
  LSTMState zero_state(Index batch) const;
  [[nodiscard]] std::string type_name() const override { return "LSTMCell"; }

  Index input_dim() const { return kernel_.shape()[0]; }
  Index units() const { return recurrent_kernel_.shape()[0]; }
  const Var& kernel() const { return kernel_; }
  const Var& recurrent_kernel() const { return recurrent_kernel_; }
  const Var& bias() const { return bias_; }

 private:
  Var kernel_, recurrent_kernel_, bias_;
};

// fused: one lstm_sequence op with a hand-derived backward (the default).
// composed: the cell applied step after step; the graph does the backward.
// Both give the same numbers; fused is several times faster.
enum class LSTMImplementation { fused, composed };

struct LSTMOptions {
  // Output every step's h, (B, T, units), instead of only the last, (B, units).
  bool return_sequences = false;
  LSTMImplementation implementation = LSTMImplementation::fused;
};

// The whole layer over a sequence. Keras's return_state=True has no flag
// here: the final (h, c) always comes back in the result, to use or ignore.
class LSTM : public Module {
 public:
  struct Result {
    Var output;         // (B, T, units) with return_sequences, else (B, units) = h
    LSTMState state;    // final h and c, each (B, units)
  };

  LSTM(Index input_dim, Index units, LSTMOptions options = {}, Generator& gen = default_generator());
  // x (B, T, input_dim). initial_state: (h0, c0), zeros when omitted. mask
  // (B, T), nonzero = a real step: at masked steps state and output carry
  // over from the step before, so right padding leaves the final state at the
  // last real step. A sequence of length 0 returns the initial state.
  Result forward(const Var& x, const std::optional<LSTMState>& initial_state = std::nullopt,
                 const Tensor& mask = Tensor()) const;
  Result operator()(const Var& x, const std::optional<LSTMState>& initial_state = std::nullopt,
                    const Tensor& mask = Tensor()) const {
    const GraphScope scope = graph_scope();
    return forward(x, initial_state, mask);
  }
  [[nodiscard]] std::string type_name() const override { return "LSTM"; }

  const LSTMCell& cell() const { return cell_; }
  Index units() const { return cell_.units(); }
  const LSTMOptions& options() const { return options_; }

 private:
  LSTMCell cell_;
  LSTMOptions options_;
};

}  // namespace atto
