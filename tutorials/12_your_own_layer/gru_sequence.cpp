// Step 2 of tutorial 12: the GRU as one op, forward and backward side by side.
//
// x (B, T, I), h0 (B, U), kernel (I, 3U), recurrent (U, 3U),
// input_bias (3U), recurrent_bias (3U), mask (B, T) or empty -> h (B, T, U)
//   a_t = x_t kernel + input_bias
//   b_t = h_{t-1} recurrent + recurrent_bias
//   z = sig(a_z + b_z)   r = sig(a_r + b_r)   n = tanh(a_n + r * b_n)
//   h_t = z * h_{t-1} + (1 - z) * n
// where mask[b, t] == 0 the step is skipped: h_t = h_{t-1}.
//
// The recipe of nn's fused LSTM (autograd/ops/fused/lstm.cpp): every step's a_t in
// one GEMM before the time loop, one GEMM per step for b_t against a
// recurrent kernel packed once (core/gemm.h's PackedB), and in the backward
// the weight gradients as one GEMM each over all steps at once.
#include "autograd/var.h"
#include "core/errors.h"
#include "core/gemm.h"
#include "core/reduce.h"
#include "core/scalar_math.h"
#include "core/shape_ops.h"
#include "tutorials/12_your_own_layer/gru.h"

#include <algorithm>

namespace atto::tutorial {

namespace {

struct GruShape {
  Index batch, steps, input, units;
};

GruShape check(const Tensor& x, const Tensor& h0, const Tensor& kernel, const Tensor& recurrent,
               const Tensor& input_bias, const Tensor& recurrent_bias, const Tensor& mask) {
  if (x.rank() != 3 || kernel.rank() != 2 || kernel.shape()[0] != x.shape()[2] || kernel.shape()[1] % 3 != 0 ||
      kernel.shape()[1] == 0) {
    throw_shape_error("gru_sequence", "x {}, kernel {}: need x (B, T, I) and kernel (I, 3U)", x.shape(),
                      kernel.shape());
  }
  const GruShape s{x.shape()[0], x.shape()[1], x.shape()[2], kernel.shape()[1] / 3};
  const Shape gates{3 * s.units};
  if (!(recurrent.shape() == Shape{s.units, 3 * s.units}) || !(input_bias.shape() == gates) ||
      !(recurrent_bias.shape() == gates) || !(h0.shape() == Shape{s.batch, s.units})) {
    throw_shape_error("gru_sequence", "recurrent {}, biases {} and {}, h0 {}: need ({}, {}), ({}) and ({}, {})",
                      recurrent.shape(), input_bias.shape(), recurrent_bias.shape(), h0.shape(), s.units,
                      3 * s.units, 3 * s.units, s.batch, s.units);
  }
  if (mask.numel() > 0 && !(mask.shape() == Shape{s.batch, s.steps})) {
    throw_shape_error("gru_sequence", "mask {} for x {}: need (B, T) = ({}, {})", mask.shape(), x.shape(), s.batch,
                      s.steps);
  }
  return s;
}

// What the forward keeps for the backward, time-major so each step's rows are contiguous.
struct GruTape {
  Tensor x;          // (T, B, I)
  Tensor gates;      // (T, B, 3U): z, r, n after their activations
  Tensor candidate_recurrent;  // (T, B, U): b_n, which the reset gate scales
  Tensor h;          // (T + 1, B, U): h[0] = h0, h[t + 1] = h_t
  Tensor mask;       // (B, T) or empty
};

bool step_is_live(const Tensor& mask, Index steps, Index b, Index t) {
  return mask.numel() == 0 || mask.data()[b * steps + t] != 0;
}

}  // namespace

Var gru_sequence(const Var& x, const Var& h0, const Var& kernel, const Var& recurrent, const Var& input_bias,
                 const Var& recurrent_bias, const Tensor& mask) {
  const GruShape s = check(x.value(), h0.value(), kernel.value(), recurrent.value(), input_bias.value(),
                           recurrent_bias.value(), mask);
  const Index B = s.batch, T = s.steps, U = s.units, G = 3 * s.units;
  auto tape = std::make_shared<GruTape>();
  tape->x = permute(x.value(), {1, 0, 2});
  tape->gates = Tensor::empty({T, B, G});
  tape->candidate_recurrent = Tensor::empty({T, B, U});
  tape->h = Tensor::empty({T + 1, B, U});
  tape->mask = mask;
  std::copy_n(h0.value().data(), B * U, tape->h.data());
  // a = x kernel + input_bias for all steps at once, (T*B, I)(I, 3U), into gates.
  Real* a = tape->gates.data();
  for (Index row = 0; row < T * B; ++row) std::copy_n(input_bias.value().data(), G, a + row * G);
  gemm(T * B, G, s.input, {tape->x.data(), s.input, false}, {kernel.value().data(), G, false}, a, G, true);

  Tensor b = Tensor::empty({B, G});
  Tensor outputs = Tensor::empty({B, T, U});
  const PackedB recurrent_packed(U, G, {recurrent.value().data(), G, false});  // packed once for all T steps
  for (Index t = 0; t < T; ++t) {
    Real* at = a + t * B * G;
    const Real* h_prev = tape->h.data() + t * B * U;
    Real* h_next = tape->h.data() + (t + 1) * B * U;
    Real* bn = tape->candidate_recurrent.data() + t * B * U;
    // b_t = h_{t-1} recurrent + recurrent_bias
    for (Index bi = 0; bi < B; ++bi) std::copy_n(recurrent_bias.value().data(), G, b.data() + bi * G);
    gemm(B, {h_prev, U, false}, recurrent_packed, b.data(), G, true);
    for (Index bi = 0; bi < B; ++bi) {
      Real* ab = at + bi * G;
      const Real* bb = b.data() + bi * G;
      const bool live = step_is_live(mask, T, bi, t);
      for (Index j = 0; j < U; ++j) {
        const Real z = sigmoid_of(ab[j] + bb[j]);
        const Real r = sigmoid_of(ab[U + j] + bb[U + j]);
        const Real n = tanh_of(ab[2 * U + j] + r * bb[2 * U + j]);
        ab[j] = z, ab[U + j] = r, ab[2 * U + j] = n;
        bn[bi * U + j] = bb[2 * U + j];
        const Real hp = h_prev[bi * U + j];
        h_next[bi * U + j] = live ? z * hp + (1 - z) * n : hp;
      }
      std::copy_n(h_next + bi * U, U, outputs.data() + (bi * T + t) * U);
    }
  }

  return record(
      "gru_sequence",
      "a_t = x_t K + b_x,  b_t = h_{t-1} R + b_h,  z = sig(a_z + b_z),  r = sig(a_r + b_r),\n"
      "  n = tanh(a_n + r b_n),  h_t = z h_{t-1} + (1 - z) n  ->  backward through time:\n"
      "  dn = dh_t (1 - z) (1 - n^2),  dz = dh_t (h_{t-1} - n) z (1 - z),  dr = dn b_n r (1 - r),\n"
      "  dh_{t-1} = dh_t z + [dz, dr, dn r] R^T,  dK = sum_t x_t^T da_t,  dR = sum_t h_{t-1}^T db_t",
      std::move(outputs), {x, h0, kernel, recurrent, input_bias, recurrent_bias},
      [tape, s, kernel = kernel.value(), recurrent = recurrent.value()](const Tensor& grad,
                                                                        const std::vector<bool>& needs_grad) {
        const Index B = s.batch, T = s.steps, U = s.units, G = 3 * s.units;
        // dh: the gradient reaching h_t from later steps, then from the output at step t as well.
        Tensor dh = zeros({B, U}), dh_through_recurrent = Tensor::empty({B, U});
        Tensor da = Tensor::empty({T, B, G}), db = Tensor::empty({T, B, G});
        const PackedB recurrent_transposed(G, U, {recurrent.data(), G, true});
        for (Index t = T - 1; t >= 0; --t) {
          const Real* gates = tape->gates.data() + t * B * G;
          const Real* bn = tape->candidate_recurrent.data() + t * B * U;
          const Real* h_prev = tape->h.data() + t * B * U;
          Real* dat = da.data() + t * B * G;
          Real* dbt = db.data() + t * B * G;
          for (Index bi = 0; bi < B; ++bi) {
            const Real* gb = gates + bi * G;
            Real* dhb = dh.data() + bi * U;
            Real* dab = dat + bi * G;
            Real* dbb = dbt + bi * G;
            const bool live = step_is_live(tape->mask, T, bi, t);
            for (Index j = 0; j < U; ++j) {
              dhb[j] += grad.data()[(bi * T + t) * U + j];
              if (!live) {  // h_t = h_{t-1}: dh passes straight through
                dab[j] = dab[U + j] = dab[2 * U + j] = 0;
                dbb[j] = dbb[U + j] = dbb[2 * U + j] = 0;
                continue;
              }
              const Real z = gb[j], r = gb[U + j], n = gb[2 * U + j];
              // h_t = z * h_{t-1} + (1 - z) * n
              const Real d_z = dhb[j] * (h_prev[bi * U + j] - n);
              const Real d_n = dhb[j] * (1 - z);
              dhb[j] *= z;
              // n = tanh(a_n + r * b_n)
              const Real d_candidate = d_n * (1 - n * n);
              const Real d_r = d_candidate * bn[bi * U + j];
              // z = sig(a_z + b_z)   r = sig(a_r + b_r)
              dab[j] = dbb[j] = d_z * z * (1 - z);
              dab[U + j] = dbb[U + j] = d_r * r * (1 - r);
              dab[2 * U + j] = d_candidate;
              dbb[2 * U + j] = d_candidate * r;
            }
          }
          // b_t = h_{t-1} recurrent + ...: dh_{t-1} += db_t recurrent^T (skipped rows carry dh as it is)
          gemm(B, {dbt, G, false}, recurrent_transposed, dh_through_recurrent.data(), U, false);
          Real* dh_out = dh.data();
          const Real* dh_recurrent = dh_through_recurrent.data();
          for (Index bi = 0; bi < B; ++bi) {
            if (!step_is_live(tape->mask, T, bi, t)) continue;
            for (Index j = 0; j < U; ++j) dh_out[bi * U + j] += dh_recurrent[bi * U + j];
          }
        }
        // a = x kernel + input_bias, b = h_prev recurrent + recurrent_bias: summed over all steps as single GEMMs.
        Grads grads(6);
        if (needs_grad[0]) {
          Tensor dx = Tensor::empty({T * B, s.input});
          gemm(T * B, s.input, G, {da.data(), G, false}, {kernel.data(), G, true}, dx.data(), s.input, false);
          grads[0] = permute(dx.reshape({T, B, s.input}), {1, 0, 2});
        }
        grads[1] = dh;
        if (needs_grad[2]) {
          grads[2] = Tensor::empty({s.input, G});
          gemm(s.input, G, T * B, {tape->x.data(), s.input, true}, {da.data(), G, false}, grads[2].data(), G, false);
        }
        if (needs_grad[3]) {
          grads[3] = Tensor::empty({U, G});
          gemm(U, G, T * B, {tape->h.data(), U, true}, {db.data(), G, false}, grads[3].data(), G, false);
        }
        grads[4] = sum(da.reshape({T * B, G}), 0);
        grads[5] = sum(db.reshape({T * B, G}), 0);
        return grads;
      });
}

}  // namespace atto::tutorial
