// The fused ops written again from primitives, as a learner would first
// write them. They give the same values; gradients come from the graph
// instead of a hand-derived backward, and the tests check the fused
// backward against these.
#pragma once

#include "autograd/ops.h"

namespace atto {

// exp(x - m) / sum exp(x - m), m the row max (a constant: softmax ignores shifts).
[[nodiscard]] Var softmax_composed(const Var& x);
// x - m - log(sum exp(x - m))
[[nodiscard]] Var log_softmax_composed(const Var& x);
// -mean over the counted rows r of log_softmax(logits)[r, targets[r]]
[[nodiscard]] Var softmax_cross_entropy_composed(const Var& logits, const Tensor& targets, 
                                                   std::optional<Index> ignore_index = std::nullopt);

// softmax(scale * q k^T + bias) v, with causal as a -inf bias above the diagonal.
[[nodiscard]] Var scaled_dot_product_attention_composed(const Var& q, const Var& k, const Var& v, Real scale,
                                                        AttentionMask mask = AttentionMask::none,
                                          const Tensor& bias = Tensor());

// The k^2 shifted, strided slices of x concatenated on the last axis.
[[nodiscard]] Var sliding_windows_composed(const Var& x, Index kernel_size, Index strides);

// (x - mean) / sqrt(variance + eps) * gamma + beta, each from mean and products.
[[nodiscard]] Var layer_norm_composed(const Var& x, const Var& gamma, const Var& beta, Real eps);

// The LSTM written as a cell from primitives (see lstm_sequence for shapes).
// One step: z = x kernel + h recurrent + bias, split into the gates i, f, g, o;
// c' = sig(f) * c + sig(i) * tanh(g); h' = sig(o) * tanh(c').
struct LSTMState {
  Var h, c;  // each (B, U)
};
LSTMState lstm_cell_composed(const Var& x, const LSTMState& state, const Var& kernel, const Var& recurrent,
                             const Var& bias);
// The cell applied step after step; masked steps keep the previous state.
// Returns (B, T, 2U) = [h_t | c_t], like lstm_sequence.
[[nodiscard]] Var lstm_sequence_composed(const Var& x, const Var& h0, const Var& c0, const Var& kernel, const Var& recurrent,
                           const Var& bias, const Tensor& mask = Tensor());

}  // namespace atto
