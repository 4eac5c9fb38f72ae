// lstm_sequence: a whole LSTM layer over a sequence as one op, with a
// hand-derived backward through time. Its composed twin
// (lstm_sequence_composed in autograd/composed.cpp) builds the same thing
// from primitives, one cell per step, and the tests check one against the other.
//
// x (B, T, I), h0 (B, U), c0 (B, U), kernel (I, 4U), recurrent (U, 4U), bias (4U)
// mask (B, T) or empty -> states (B, T, 2U) = [h_t | c_t] at every step
//   z_t = x_t kernel + h_{t-1} recurrent + bias       gates in the order i, f, g, o
//   i = sig(z_i)  f = sig(z_f)  g = tanh(z_g)  o = sig(z_o)
//   c_t = f * c_{t-1} + i * g
//   h_t = o * tanh(c_t)
// where mask[b, t] == 0 the step is skipped: h_t = h_{t-1}, c_t = c_{t-1}.
//
// Why it is fast: the input projection of every step is one GEMM before the
// time loop; each step is one (B x U)(U x 4U) GEMM and one pass over the
// B x 4U gates; in the backward the weight gradients are one GEMM each after
// the time loop, over the gate gradients of all steps at once. Work is kept
// time-major, (T, B, ...), so each step's rows are contiguous.
#include "autograd/ops.h"
#include "autograd/ops/shape_checks.h"
#include "autograd/var.h"
#include "core/cpu_kernels.h"
#include "core/errors.h"
#include "core/gemm.h"
#include "core/parallel.h"
#include "core/reduce.h"
#include "core/shape_ops.h"

#include <algorithm>
#include <cmath>

namespace atto {

using detail::LstmShape;

namespace detail {

LstmShape check_lstm_sequence(std::string_view op, const Tensor& x, const Tensor& h0, const Tensor& c0,
                              const Tensor& kernel, const Tensor& recurrent, const Tensor& bias, const Tensor& mask) {
  if (x.rank() != 3 || kernel.rank() != 2) {
    throw_shape_error(op, "x {}, kernel {}: need x (B, T, I) and kernel (I, 4U)", x.shape(),
                      kernel.shape());
  }
  const LstmShape s{x.shape()[0], x.shape()[1], x.shape()[2], kernel.shape()[1] / 4};
  if (kernel.shape()[0] != s.input || kernel.shape()[1] != 4 * s.units || s.units == 0) {
    throw_shape_error(op, "x {}, kernel {}: need kernel (I, 4U) with I = {}", x.shape(), kernel.shape(),
                      s.input);
  }
  const Shape state{s.batch, s.units};
  if (!(recurrent.shape() == Shape{s.units, 4 * s.units}) || !(bias.shape() == Shape{4 * s.units}) ||
      !(h0.shape() == state) || !(c0.shape() == state)) {
    throw_shape_error(op, "recurrent {}, bias {}, h0 {}, c0 {}: need ({}, {}), ({}), {} and {}",
                      recurrent.shape(), bias.shape(), h0.shape(), c0.shape(), s.units, 4 * s.units, 4 * s.units,
                      state, state);
  }
  if (!is_unset(mask) && !(mask.shape() == Shape{s.batch, s.steps})) {
    throw_shape_error(op, "mask {} for x {}: need (B, T) = ({}, {})", mask.shape(), x.shape(), s.batch,
                      s.steps);
  }
  return s;
}

}  // namespace detail

namespace {

// What the forward keeps for the backward, all time-major.
struct LstmTape {
  Tensor x;      // (T, B, I)
  Tensor gates;  // (T, B, 4U): i, f, g, o after their activations
  Tensor h;      // (T + 1, B, U): h[0] = h0, h[t + 1] = h_t
  Tensor c;      // (T + 1, B, U): c[0] = c0, c[t + 1] = c_t
  Tensor tanh_c;  // (T, B, U): tanh(c_t), which the backward needs too
  Tensor mask;   // (B, T) or empty
};

bool step_is_live(const Tensor& mask, const LstmShape& s, Index b, Index t) {
  return mask.numel() == 0 || mask.data()[b * s.steps + t] != 0;
}

// The loops below run over one row of U units at a time. The activations
// run on the widest instruction set this CPU has (core/cpu_kernels.h); the
// rest are plain loops over restrict pointers, which compile to SIMD code.

// i = sig(z_i)  f = sig(z_f)  g = tanh(z_g)  o = sig(z_o), in place.
void activate_gates(Real* z, Index U) {
  const detail::VectorMathKernel& math = detail::active_vector_math();
  math.sigmoid(z, 0, z, 2 * U);
  math.tanh(z + 2 * U, 0, z + 2 * U, U);
  math.sigmoid(z + 3 * U, 0, z + 3 * U, U);
}

// c_t = f * c_{t-1} + i * g    h_t = o * tanh(c_t)    (or both carried over)
void update_state(const Real* __restrict gates, const Real* __restrict c_prev, const Real* __restrict h_prev,
                  Real* __restrict c_next, Real* __restrict h_next, Real* __restrict tanh_c, Index U, bool live) {
  for (Index j = 0; j < U; ++j) c_next[j] = gates[U + j] * c_prev[j] + gates[j] * gates[2 * U + j];
  detail::active_vector_math().tanh(c_next, 0, tanh_c, U);
  if (live) {
    for (Index j = 0; j < U; ++j) h_next[j] = gates[3 * U + j] * tanh_c[j];
  } else {
    std::copy_n(c_prev, U, c_next);
    std::copy_n(h_prev, U, h_next);
  }
}

// One row of a step's backward. The output gradient joins dh and dc; at a
// live step they become dz, the gradients of the gate pre-activations, and dc
// becomes the part that reaches c_{t-1}. At a skipped step (h_t = h_{t-1},
// c_t = c_{t-1}) both pass straight through and dz is 0.
void backward_row(const Real* __restrict gates, const Real* __restrict c_prev, const Real* __restrict tanh_c,
                  const Real* __restrict grad, Real* __restrict dh, Real* __restrict dc, Real* __restrict dz, Index U,
                  bool live) {
  if (!live) {
    for (Index j = 0; j < U; ++j) dh[j] += grad[j], dc[j] += grad[U + j];
    std::fill_n(dz, 4 * U, Real(0));
    return;
  }
  for (Index j = 0; j < U; ++j) {
    const Real d_h = dh[j] + grad[j];
    const Real i = gates[j], f = gates[U + j], g = gates[2 * U + j], o = gates[3 * U + j];
    // h_t = o * tanh(c_t)
    const Real d_o = d_h * tanh_c[j];
    const Real d_c = dc[j] + grad[U + j] + d_h * o * (1 - tanh_c[j] * tanh_c[j]);
    // c_t = f * c_{t-1} + i * g
    const Real d_i = d_c * g, d_f = d_c * c_prev[j], d_g = d_c * i;
    dc[j] = d_c * f;
    dh[j] = d_h;
    // i = sig(z_i)  f = sig(z_f)  g = tanh(z_g)  o = sig(z_o)
    dz[j] = d_i * i * (1 - i);
    dz[U + j] = d_f * f * (1 - f);
    dz[2 * U + j] = d_g * (1 - g * g);
    dz[3 * U + j] = d_o * o * (1 - o);
  }
}

// Batch rows never meet inside the time loop: each block of rows runs
// through all T steps on its own thread, in one parallel region per pass
// instead of one per step, and gives the same bits whichever thread runs it.
// Eight rows fill the matmul kernel's register tiles. A sequence of fewer
// than 2M recurrent multiply-adds stays on one thread: its per-step
// products are a few microseconds per block, and the threads' steps drift
// apart and wait at the region's end (tutorial 09's phrasebook model, 16
// rows of a few steps, trained at 0.6x one thread's speed on two below it).
constexpr Index kRowsPerBlock = 8;
constexpr Index kParallelRecurrentWork = Index{1} << 21;

template <class Body>
void for_row_blocks(const LstmShape& s, Body&& body) {
  const Index work = s.batch * s.steps * s.units * 4 * s.units;
  if (work < kParallelRecurrentWork || s.batch <= kRowsPerBlock) {
    body(Index{0}, s.batch);
    return;
  }
  parallel_blocks(s.batch, kRowsPerBlock, body);
}

}  // namespace

// x (B, T, I), h0 and c0 (B, U), kernel (I, 4U), recurrent (U, 4U), bias (4U), mask (B, T) -> (B, T, 2U)
Var lstm_sequence(const Var& x, const Var& h0, const Var& c0, const Var& kernel, const Var& recurrent, const Var& bias,
                  const Tensor& mask) {
  const LstmShape s = detail::check_lstm_sequence("lstm_sequence", x.value(), h0.value(), c0.value(), kernel.value(),
                                                 recurrent.value(), bias.value(), mask);
  const Index B = s.batch, T = s.steps, U = s.units, G = 4 * s.units;
  auto tape = std::make_shared<LstmTape>();
  tape->x = permute(x.value(), {1, 0, 2});
  tape->gates = Tensor::empty({T, B, G});
  tape->h = Tensor::empty({T + 1, B, U});
  tape->c = Tensor::empty({T + 1, B, U});
  tape->tanh_c = Tensor::empty({T, B, U});
  tape->mask = mask;
  std::copy_n(h0.value().data(), B * U, tape->h.data());
  std::copy_n(c0.value().data(), B * U, tape->c.data());
  // z = x kernel for all steps at once: (T*B, I)(I, 4U); each row block
  // adds the bias to its own rows below, on its own thread.
  Real* z = tape->gates.data();
  const Real* b = bias.value().data();
  gemm(T * B, G, s.input, {tape->x.data(), s.input, false}, {kernel.value().data(), G, false}, z, G, false);

  Tensor states = Tensor::empty({B, T, 2 * U});
  const PackedB recurrent_packed(U, G, {recurrent.value().data(), G, false});  // packed once for all T steps
  for_row_blocks(s, [&](Index r0, Index r1) {
    for (Index t = 0; t < T; ++t) {
      Real* zt = z + t * B * G;
      const Real* h_prev = tape->h.data() + t * B * U;
      const Real* c_prev = tape->c.data() + t * B * U;
      Real* h_next = tape->h.data() + (t + 1) * B * U;
      Real* c_next = tape->c.data() + (t + 1) * B * U;
      Real* tanh_c = tape->tanh_c.data() + t * B * U;
      // z_t = x_t kernel + bias + h_{t-1} recurrent
      for (Index bi = r0; bi < r1; ++bi) {
        Real* __restrict zb = zt + bi * G;
        for (Index j = 0; j < G; ++j) zb[j] += b[j];
      }
      gemm_serial(r1 - r0, {h_prev + r0 * U, U, false}, recurrent_packed, zt + r0 * G, G, true);
      for (Index bi = r0; bi < r1; ++bi) {
        Real* zb = zt + bi * G;
        activate_gates(zb, U);
        update_state(zb, c_prev + bi * U, h_prev + bi * U, c_next + bi * U, h_next + bi * U, tanh_c + bi * U, U,
                     step_is_live(mask, s, bi, t));
        std::copy_n(h_next + bi * U, U, states.data() + (bi * T + t) * 2 * U);
        std::copy_n(c_next + bi * U, U, states.data() + (bi * T + t) * 2 * U + U);
      }
    }
  });

  Var result = record(
      "lstm_sequence",
      "z_t = x_t K + h_{t-1} R + b,  c_t = f c_{t-1} + i g,  h_t = o tanh(c_t)  ->  backward through time:\n"
      "  dc_t = dh_t o (1 - tanh^2 c_t) + f_{t+1} dc_{t+1},\n"
      "  dz_i = dc_t g i(1-i),  dz_f = dc_t c_{t-1} f(1-f),  dz_g = dc_t i (1-g^2),  dz_o = dh_t tanh(c_t) o(1-o),\n"
      "  dh_{t-1} = dz_t R^T (+ the output's gradient at t-1),  dx_t = dz_t K^T,\n"
      "  dK = sum_t x_t^T dz_t,  dR = sum_t h_{t-1}^T dz_t,  db = sum_t dz_t",
      std::move(states), {x, h0, c0, kernel, recurrent, bias},
      [tape, s, kernel = kernel.value(), recurrent = recurrent.value()](const Tensor& grad,
                                                                        const std::vector<bool>& needs_grad) {
        const Index B = s.batch, T = s.steps, U = s.units, G = 4 * s.units;
        // dh, dc: the gradient reaching h_t and c_t from later steps, then
        // from the output at step t as well.
        Tensor dh = zeros({B, U}), dc = zeros({B, U}), dh_through_recurrent = Tensor::empty({B, U});
        Tensor dz = Tensor::empty({T, B, G});
        const PackedB recurrent_transposed(G, U, {recurrent.data(), G, true});
        for_row_blocks(s, [&](Index r0, Index r1) {
          for (Index t = T - 1; t >= 0; --t) {
            const Real* gates = tape->gates.data() + t * B * G;
            const Real* c_prev = tape->c.data() + t * B * U;
            const Real* tanh_c = tape->tanh_c.data() + t * B * U;
            Real* dzt = dz.data() + t * B * G;
            for (Index bi = r0; bi < r1; ++bi) {
              backward_row(gates + bi * G, c_prev + bi * U, tanh_c + bi * U, grad.data() + (bi * T + t) * 2 * U,
                           dh.data() + bi * U, dc.data() + bi * U, dzt + bi * G, U,
                           step_is_live(tape->mask, s, bi, t));
            }
            // z_t = ... + h_{t-1} recurrent: dh_{t-1} = dz_t recurrent^T (skipped rows carry dh as it is)
            gemm_serial(r1 - r0, {dzt + r0 * G, G, false}, recurrent_transposed, dh_through_recurrent.data() + r0 * U,
                        U, false);
            for (Index bi = r0; bi < r1; ++bi) {
              if (step_is_live(tape->mask, s, bi, t)) {
                std::copy_n(dh_through_recurrent.data() + bi * U, U, dh.data() + bi * U);
              }
            }
          }
        });
        // z = x kernel + h_prev recurrent + bias, summed over all steps as single GEMMs.
        Grads grads(6);
        const Tensor dz_rows = dz.reshape({T * B, G});
        if (needs_grad[0]) {
          Tensor dx = Tensor::empty({T * B, s.input});
          gemm(T * B, s.input, G, {dz.data(), G, false}, {kernel.data(), G, true}, dx.data(), s.input, false);
          grads[0] = permute(dx.reshape({T, B, s.input}), {1, 0, 2});
        }
        grads[1] = dh;
        grads[2] = dc;
        if (needs_grad[3]) {
          grads[3] = Tensor::empty({s.input, G});
          gemm(s.input, G, T * B, {tape->x.data(), s.input, true}, {dz.data(), G, false}, grads[3].data(), G, false);
        }
        if (needs_grad[4]) {
          grads[4] = Tensor::empty({U, G});
          gemm(U, G, T * B, {tape->h.data(), U, true}, {dz.data(), G, false}, grads[4].data(), G, false);
        }
        grads[5] = sum(dz_rows, 0);
        return grads;
      },
      {{"mask", mask}});
  show_internals(result, [tape, U = s.units] {
    // The gates are kept time-major, (T, B, 4U): shown batch-major, as x is.
    const Tensor gates = permute(tape->gates, {1, 0, 2});
    std::vector<std::pair<std::string, Tensor>> shown;
    for (const auto& [index, name] : {std::pair{0, "input gate i"}, std::pair{1, "forget gate f"},
                                      std::pair{2, "candidate g"}, std::pair{3, "output gate o"}}) {
      shown.emplace_back(name, slice(gates, 2, index * U, (index + 1) * U));
    }
    return shown;
  });
  return result;
}

}  // namespace atto
