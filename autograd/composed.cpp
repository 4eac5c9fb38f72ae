#include "autograd/composed.h"
#include "autograd/ops/shape_checks.h"

#include "core/errors.h"
#include "core/reduce.h"
#include "core/shape_ops.h"

#include <limits>
#include <vector>

namespace atto {

namespace {

// The row maximum as a constant, so the shift does not enter the graph.
Var row_max(const Var& x) { return Var(atto::max(x.value(), -1, true)); }

}  // namespace

Var softmax_composed(const Var& x) {
  const Var e = exp(x - row_max(x));
  return e / sum(e, -1, true);
}

Var sliding_windows_composed(const Var& x, Index kernel_size, Index strides) {
  const detail::WindowShape s =
      detail::check_sliding_windows("sliding_windows_composed", x.value(), kernel_size, strides);
  std::vector<Var> shifted;
  for (Index dy = 0; dy < kernel_size; ++dy) {
    const Var band = slice(x, 1, dy, dy + (s.rows - 1) * strides + 1, strides);
    for (Index dx = 0; dx < kernel_size; ++dx) {
      shifted.push_back(slice(band, 2, dx, dx + (s.cols - 1) * strides + 1, strides));
    }
  }
  return concat(shifted, 3);
}

Var layer_norm_composed(const Var& x, const Var& gamma, const Var& beta, Real eps) {
  const Var centred = x - mean(x, -1, true);
  const Var variance = mean(centred * centred, -1, true);
  return centred * pow(variance + eps, -0.5) * gamma + beta;
}

Var log_softmax_composed(const Var& x) {
  const Var shifted = x - row_max(x);
  return shifted - log(sum(exp(shifted), -1, true));
}

Var softmax_cross_entropy_composed(const Var& logits, const Tensor& targets, std::optional<Index> ignore_index) {
  // Picks each row's target entry by index rather than by a one-hot product:
  // 0 * log(0) = 0 * -inf would give NaN for a -inf logit that is not the target.
  const Index rows = logits.shape()[0], classes = logits.shape()[1];
  std::vector<Real> picked;
  for (Index r = 0; r < rows; ++r) {
    const Real t = targets.data()[r];
    if (ignore_index && t == static_cast<Real>(*ignore_index)) continue;
    picked.push_back(static_cast<Real>(r * classes + static_cast<Index>(t)));
  }
  if (picked.empty()) return sum(logits) * Real(0);
  Tensor flat_index = Tensor::empty({static_cast<Index>(picked.size())});
  std::copy(picked.begin(), picked.end(), flat_index.data());
  const Var log_probs = reshape(log_softmax_composed(logits), {rows * classes, 1});
  return sum(take_rows(log_probs, flat_index)) * (-Real(1) / static_cast<Real>(picked.size()));
}

Var scaled_dot_product_attention_composed(const Var& q, const Var& k, const Var& v, Real scale, AttentionMask mask,
                                          const Tensor& bias) {
  (void)detail::check_attention("scaled_dot_product_attention_composed", q.value(), k.value(), v.value(), scale,
                                static_cast<int>(mask), bias);
  const bool causal = mask == AttentionMask::causal;
  Var scores = matmul(q, k, Transpose::b) * scale;
  if (!is_unset(bias)) scores = scores + Var(bias);
  if (causal) {
    const Index tq = scores.shape()[scores.value().rank() - 2], tv = scores.shape()[scores.value().rank() - 1];
    Tensor above = zeros({tq, tv});
    for (Index i = 0; i < tq; ++i)
      for (Index j = i + 1; j < tv; ++j) above.at({i, j}) = 1;
    scores = masked_fill(scores, above, -std::numeric_limits<Real>::infinity());
  }
  return matmul(name_for_pictures(softmax(scores), "attention weights"), v);
}

LSTMState lstm_cell_composed(const Var& x, const LSTMState& state, const Var& kernel, const Var& recurrent,
                             const Var& bias) {
  const Index units = recurrent.shape()[0];
  const Var z = matmul(x, kernel) + matmul(state.h, recurrent) + bias;
  const Var input_gate = name_for_pictures(sigmoid(slice(z, -1, 0, units)), "input gate i");
  const Var forget_gate = name_for_pictures(sigmoid(slice(z, -1, units, 2 * units)), "forget gate f");
  const Var candidate = name_for_pictures(tanh(slice(z, -1, 2 * units, 3 * units)), "candidate g");
  const Var output_gate = name_for_pictures(sigmoid(slice(z, -1, 3 * units, 4 * units)), "output gate o");
  const Var c = forget_gate * state.c + input_gate * candidate;
  return {output_gate * tanh(c), c};
}

Var lstm_sequence_composed(const Var& x, const Var& h0, const Var& c0, const Var& kernel, const Var& recurrent,
                           const Var& bias, const Tensor& mask) {
  const detail::LstmShape s = detail::check_lstm_sequence("lstm_sequence_composed", x.value(), h0.value(), c0.value(),
                                                          kernel.value(), recurrent.value(), bias.value(), mask);
  const Index batch = s.batch, steps = s.steps, units = s.units;
  if (steps == 0) return Var(zeros({batch, 0, 2 * units}));
  LSTMState state{h0, c0};
  std::vector<Var> outputs;
  for (Index t = 0; t < steps; ++t) {
    const GraphScope scope("LSTM step");  // a picture of the graph folds the steps into one box
    const LSTMState next = lstm_cell_composed(squeeze(slice(x, 1, t, t + 1), 1), state, kernel, recurrent, bias);
    if (!is_unset(mask)) {
      const Tensor live = atto::slice(mask, 1, t, t + 1);  // (B, 1): broadcasts over units
      state = {where(live, next.h, state.h), where(live, next.c, state.c)};
    } else {
      state = next;
    }
    outputs.push_back(unsqueeze(concat({state.h, state.c}, -1), 1));
  }
  return concat(outputs, 1);
}

}  // namespace atto
