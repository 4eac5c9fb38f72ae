// A GRU, added from outside the library the way tutorial 12 tells it: first
// composed from primitives, then as one fused op with a hand-derived
// backward, then as a layer the translator can use.
//
// The gated recurrent unit (Cho et al., 2014) in the form Keras
// (GRU(reset_after=True), its default) and PyTorch (nn.GRU) compute, gates in
// Keras's order z, r, n. One step, x_t (B, I) and h_{t-1} (B, U):
//   a = x_t kernel + input_bias                  (B, 3U)   kernel (I, 3U)
//   b = h_{t-1} recurrent + recurrent_bias       (B, 3U)   recurrent (U, 3U)
//   z = sig(a_z + b_z)                           update gate
//   r = sig(a_r + b_r)                           reset gate
//   n = tanh(a_n + r * b_n)                      candidate
//   h_t = z * h_{t-1} + (1 - z) * n
// Cho's paper resets h before the product, n = tanh(a_n + (r * h) U_n); with
// the reset after it, as here, one GEMM per step serves all three gates.
// PyTorch's weight_ih_l0 is kernel transposed with its gate blocks in the order
// r, z, n; bias_ih_l0 and bias_hh_l0 are the two biases, reordered the same way.
#pragma once

#include "nn/nn.h"

namespace atto::tutorial {

// Step 1: composed from primitives; autograd derives the backward through time.
Var gru_cell_composed(const Var& x, const Var& h, const Var& kernel, const Var& recurrent, const Var& input_bias,
                      const Var& recurrent_bias);
// The cell over x (B, T, I) from h0 (B, U) -> h at every step, (B, T, U).
// Where mask (B, T) is 0 the step is skipped: h_t = h_{t-1}.
Var gru_sequence_composed(const Var& x, const Var& h0, const Var& kernel, const Var& recurrent,
                          const Var& input_bias, const Var& recurrent_bias, const Tensor& mask = Tensor());

// Step 2: the same function as one op with a hand-derived backward.
Var gru_sequence(const Var& x, const Var& h0, const Var& kernel, const Var& recurrent, const Var& input_bias,
                 const Var& recurrent_bias, const Tensor& mask = Tensor());

// Step 3: both in the gradient-check table, as gru_sequence,
// gru_sequence_masked and gru_sequence_composed.
void register_gru_checks();

enum class GRUImplementation { fused, composed };

// Step 4: the layer. Weights initialised as Keras does: kernel glorot_uniform,
// recurrent kernel orthogonal, biases zero.
class GRU : public SequenceLayer {
 public:
  GRU(Index input_dim, Index units, GRUImplementation implementation = GRUImplementation::fused,
      Generator& gen = default_generator());
  std::string type_name() const override { return "GRU"; }
  // initial: {h0} or empty for zeros.
  Result run(const Var& x, const State& initial = {}, const Tensor& mask = Tensor()) const override;
  State zero_state(Index batch) const override;

  Index input_dim() const { return kernel_.shape()[0]; }
  Index units() const { return recurrent_kernel_.shape()[0]; }
  const Var& kernel() const { return kernel_; }
  const Var& recurrent_kernel() const { return recurrent_kernel_; }
  const Var& input_bias() const { return input_bias_; }
  const Var& recurrent_bias() const { return recurrent_bias_; }

 private:
  Var kernel_, recurrent_kernel_, input_bias_, recurrent_bias_;
  GRUImplementation implementation_;
};

// For the translator: TranslatorConfig{.recurrent = gru_layers()}.
SequenceLayerFactory gru_layers(GRUImplementation implementation = GRUImplementation::fused);

}  // namespace atto::tutorial
