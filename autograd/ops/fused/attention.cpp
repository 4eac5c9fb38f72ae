// scaled_dot_product_attention, fused in the manner of FlashAttention (Dao et
// al., 2022): blocks of 64 query rows meet tiles of 64 keys as small GEMMs,
// the forward keeps an online softmax across tiles (so the (Tq, Tv) score
// matrix is never stored) and the backward recomputes the probabilities from
// the saved row log-sum-exp. Its composed twin in autograd/composed.cpp
// checks it.
//
// q (..., Tq, d), k (..., Tv, d), v (..., Tv, dv) -> (..., Tq, dv)
//   S = scale * q k^T + bias   (bias optional, broadcast to (..., Tq, Tv); causal: j > i masked)
//   P = softmax(S) over j,  O = P v
// A row with no position left (all masked by causal or -inf bias) gives 0.
#include "autograd/ops.h"
#include "autograd/ops/shape_checks.h"
#include "autograd/var.h"
#include "core/errors.h"
#include "core/gemm.h"
#include "core/parallel.h"
#include "core/scalar_math.h"
#include "core/shape_ops.h"

#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace atto {

using detail::AttentionShape;

namespace {

constexpr Real kPosInf = std::numeric_limits<Real>::infinity();
constexpr Real kNegInf = -kPosInf;

Real dot(const Real* a, const Real* b, Index n) {
  Real total = 0;
  for (Index c = 0; c < n; ++c) total += a[c] * b[c];
  return total;
}

// NumPy's rule, one way: every axis of `from` is 1 or the size in `to`.
bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.rank() > to.rank()) return false;
  for (int i = 1; i <= from.rank(); ++i) {
    if (from[from.rank() - i] != 1 && from[from.rank() - i] != to[to.rank() - i]) return false;
  }
  return true;
}

}  // namespace

namespace detail {

AttentionShape check_attention(std::string_view op, const Tensor& q, const Tensor& k, const Tensor& v, Real scale,
                               int mask, const Tensor& bias) {
  const int r = q.rank();
  if (r < 2 || k.rank() != r || v.rank() != r) {
    throw_shape_error(op, "q {}, k {}, v {}: need (..., Tq, d), (..., Tv, d), (..., Tv, dv)", q.shape(), k.shape(),
                      v.shape());
  }
  AttentionShape s{1, q.shape()[r - 2], k.shape()[r - 2], q.shape()[r - 1], v.shape()[r - 1]};
  for (int i = 0; i < r - 2; ++i) s.heads *= q.shape()[i];
  const bool leading_match = Shape(std::span<const Index>(q.shape().begin(), r - 2)) ==
                                 Shape(std::span<const Index>(k.shape().begin(), r - 2)) &&
                             Shape(std::span<const Index>(k.shape().begin(), r - 2)) ==
                                 Shape(std::span<const Index>(v.shape().begin(), r - 2));
  if (!leading_match || k.shape()[r - 1] != s.d || v.shape()[r - 2] != s.tv) {
    throw_shape_error(op, "q {}, k {}, v {}: need (..., Tq, d), (..., Tv, d), (..., Tv, dv)", q.shape(), k.shape(),
                      v.shape());
  }
  if (!std::isfinite(scale)) throw_argument_error(op, "scale {} is not a finite number", scale);
  if (mask != static_cast<int>(AttentionMask::none) && mask != static_cast<int>(AttentionMask::causal)) {
    throw_argument_error(op, "mask {} is neither AttentionMask::none nor AttentionMask::causal", mask);
  }
  if (!is_unset(bias)) {
    Shape scores = q.shape();
    scores[r - 1] = s.tv;
    if (!broadcasts_to(bias.shape(), scores)) throw_shape_error(op, "bias {} for scores {}", bias.shape(), scores);
  }
  return s;
}

}  // namespace detail

namespace {

// Blocks of query rows and tiles of keys: each tile is a few small GEMMs,
// and only a (block x tile) piece of the score matrix ever exists.
constexpr Index kBlock = 64;

// The pointers and sizes of one (batch, head) slice.
struct Head {
  const Real *q, *k, *v, *bias;
  Index tq, tv, d, dv;
  Real scale;
  bool causal;

  // Keys that rows [r0, r0 + rows) may see: causal tiles past the diagonal are skipped.
  Index key_end(Index r0, Index rows) const { return causal ? std::min(tv, r0 + rows) : tv; }

  // scores[i][j] = scale * q_i . k_j + bias_ij (or -inf when masked) for the
  // block of rows at r0 and the tile of keys at c0.
  void scores(Index r0, Index rows, Index c0, Index cols, Real* out) const {
    gemm_serial(rows, cols, d, {q + r0 * d, d, false}, {k + c0 * d, d, true}, out, cols, false);
    for (Index i = 0; i < rows; ++i) {
      for (Index j = 0; j < cols; ++j) {
        Real& sij = out[i * cols + j];
        sij = causal && c0 + j > r0 + i ? kNegInf : sij * scale + (bias ? bias[(r0 + i) * tv + c0 + j] : Real(0));
      }
    }
  }
};

// max that lets NaN through, as the composed softmax does (std::max(a, NaN)
// is a, which would make a row of NaN scores look fully masked).
Real max_keeping_nan(Real a, Real b) { return a < b || std::isnan(b) ? b : a; }

// Forward for one head: the online softmax. For each tile of keys, the row
// maxima m may grow; the output and the running sum l computed so far are
// rescaled by exp(m_old - m_new) before the tile's exp(s - m_new) weights are
// added. Saves each row's maximum m and log l for the backward pass, apart:
// their sum, the log-sum-exp, would lose log l beside a huge m (1e30 + log 2
// is 1e30), and the recomputed weights would no longer sum to 1. A row with
// +inf scores gives them all the weight, shared equally (what softmax
// gives); its maximum is +inf and infinite_share keeps the share, 1/count
// (0 in every other row).
void forward_head(const Head& h, Real* out, Real* row_max, Real* log_total, Real* infinite_share) {
  std::vector<Real> s(kBlock * kBlock), m(kBlock), l(kBlock);
  for (Index r0 = 0; r0 < h.tq; r0 += kBlock) {
    const Index rows = std::min(kBlock, h.tq - r0);
    std::fill_n(m.begin(), rows, kNegInf);
    std::fill_n(l.begin(), rows, Real(0));
    for (Index c0 = 0; c0 < h.key_end(r0, rows); c0 += kBlock) {
      const Index cols = std::min(kBlock, h.key_end(r0, rows) - c0);
      h.scores(r0, rows, c0, cols, s.data());
      for (Index i = 0; i < rows; ++i) {
        Real* si = s.data() + i * cols;
        Real tile_max = kNegInf;
        for (Index j = 0; j < cols; ++j) tile_max = max_keeping_nan(tile_max, si[j]);
        const Real m_new = max_keeping_nan(m[i], tile_max);
        if (m_new == kNegInf) {  // nothing visible yet in this row
          std::fill_n(si, cols, Real(0));
          continue;
        }
        if (m_new == kPosInf) {  // weight 1 on each +inf score, normalised below by their count
          const Real keep = m[i] == kPosInf ? Real(1) : Real(0);
          Real* oi = out + (r0 + i) * h.dv;
          for (Index c = 0; c < h.dv; ++c) oi[c] *= keep;
          l[i] *= keep;
          for (Index j = 0; j < cols; ++j) {
            si[j] = si[j] == kPosInf ? Real(1) : Real(0);
            l[i] += si[j];
          }
          m[i] = m_new;
          continue;
        }
        const Real shrink = exp_of(m[i] - m_new);  // exp(-inf) = 0 on the first visible tile
        Real* oi = out + (r0 + i) * h.dv;
        for (Index c = 0; c < h.dv; ++c) oi[c] *= shrink;
        l[i] *= shrink;
        for (Index j = 0; j < cols; ++j) {
          si[j] = exp_of(si[j] - m_new);
          l[i] += si[j];
        }
        m[i] = m_new;
      }
      // O_block += P V_tile
      gemm_serial(rows, h.dv, cols, {s.data(), cols, false}, {h.v + c0 * h.dv, h.dv, false}, out + r0 * h.dv, h.dv,
                  true);
    }
    for (Index i = 0; i < rows; ++i) {
      Real* oi = out + (r0 + i) * h.dv;
      if (l[i] > 0) {
        for (Index c = 0; c < h.dv; ++c) oi[c] /= l[i];
      }
      // m and l are NaN when a score was: the NaN then reaches the backward too.
      row_max[r0 + i] = m[i];
      log_total[r0 + i] = std::log(l[i]);
      infinite_share[r0 + i] = m[i] == kPosInf ? Real(1) / l[i] : Real(0);
    }
  }
}

// Backward for one head, tile by tile, recomputing P from the saved m and log l:
//   P = exp((S - m) - log l);  dP = dO V^T;  D_i = dO_i . O_i;  dS = P (dP - D) scale
//   dQ += dS K;  dK += dS^T Q;  dV += P^T dO
// A row with a NaN score has NaN weights on every key, the masked ones too,
// as the composed softmax gives, so every key's dV is NaN, even a key that
// causal masking keeps that row from visiting; dK is NaN at the keys the row
// sees (a causally hidden score gets no gradient at all).
void backward_head(const Head& h, const Real* out, const Real* row_max, const Real* log_total,
                   const Real* infinite_share, const Real* grad_out, Real* dq, Real* dk, Real* dv) {
  std::vector<Real> p(kBlock * kBlock), dp(kBlock * kBlock), big_d(h.tq);
  for (Index i = 0; i < h.tq; ++i) big_d[i] = dot(grad_out + i * h.dv, out + i * h.dv, h.dv);
  for (Index r0 = 0; r0 < h.tq; r0 += kBlock) {
    const Index rows = std::min(kBlock, h.tq - r0);
    for (Index c0 = 0; c0 < h.key_end(r0, rows); c0 += kBlock) {
      const Index cols = std::min(kBlock, h.key_end(r0, rows) - c0);
      h.scores(r0, rows, c0, cols, p.data());
      gemm_serial(rows, cols, h.dv, {grad_out + r0 * h.dv, h.dv, false}, {h.v + c0 * h.dv, h.dv, true}, dp.data(),
                  cols, false);
      for (Index i = 0; i < rows; ++i) {
        const Real m = row_max[r0 + i], log_l = log_total[r0 + i];
        const bool row_is_nan = std::isnan(m) || std::isnan(log_l);
        for (Index j = 0; j < cols; ++j) {
          Real& pij = p[i * cols + j];
          if (row_is_nan) {
            pij = std::numeric_limits<Real>::quiet_NaN();
            // A score hidden by the causal mask gets no gradient, as from masked_fill in the composed form.
            dp[i * cols + j] = h.causal && c0 + j > r0 + i ? Real(0) : pij;
            continue;
          }
          if (m == kPosInf) {
            pij = pij == kPosInf ? infinite_share[r0 + i] : Real(0);
          } else {
            pij = m == kNegInf || pij == kNegInf ? Real(0) : exp_of((pij - m) - log_l);
          }
          dp[i * cols + j] = pij * (dp[i * cols + j] - big_d[r0 + i]) * h.scale;  // now dS
        }
      }
      gemm_serial(rows, h.d, cols, {dp.data(), cols, false}, {h.k + c0 * h.d, h.d, false}, dq + r0 * h.d, h.d, true);
      gemm_serial(cols, h.d, rows, {dp.data(), cols, true}, {h.q + r0 * h.d, h.d, false}, dk + c0 * h.d, h.d, true);
      gemm_serial(cols, h.dv, rows, {p.data(), cols, true}, {grad_out + r0 * h.dv, h.dv, false}, dv + c0 * h.dv, h.dv,
                  true);
    }
  }
  for (Index i = 0; i < h.tq; ++i) {
    if (std::isnan(row_max[i]) || std::isnan(log_total[i])) {
      std::fill_n(dv, h.tv * h.dv, std::numeric_limits<Real>::quiet_NaN());
      return;
    }
  }
}

// The head's attention weights, softmax(scores) row by row, into out
// (tq x tv): for a picture of the graph, which the forward above never
// stores. A row with every key masked is all zero.
void weights_of_head(const Head& h, Real* out) {
  h.scores(0, h.tq, 0, h.tv, out);
  for (Index i = 0; i < h.tq; ++i) {
    Real* row = out + i * h.tv;
    const Real top = *std::max_element(row, row + h.tv);
    if (top == kNegInf) {
      std::fill_n(row, h.tv, Real(0));
      continue;
    }
    Real total = 0;
    for (Index j = 0; j < h.tv; ++j) total += row[j] = std::exp(row[j] - top);
    for (Index j = 0; j < h.tv; ++j) row[j] /= total;
  }
}

}  // namespace

// q (..., Tq, d), k (..., Tv, d), v (..., Tv, dv), bias broadcasting to (..., Tq, Tv) -> (..., Tq, dv)
Var scaled_dot_product_attention(const Var& q, const Var& k, const Var& v, Real scale, AttentionMask mask,
                                 const Tensor& scores_bias) {
  const AttentionShape s = detail::check_attention("scaled_dot_product_attention", q.value(), k.value(), v.value(),
                                                    scale, static_cast<int>(mask), scores_bias);
  const bool causal = mask == AttentionMask::causal;
  // A bias that broadcasts to the scores (a mask shared by every head, say)
  // is expanded to their full shape, so that each head reads its own.
  Shape scores_shape = q.shape();
  scores_shape[scores_shape.rank() - 1] = s.tv;
  const Tensor bias = is_unset(scores_bias) ? scores_bias : expand(scores_bias, scores_shape);
  Shape out_shape = q.shape();
  out_shape[out_shape.rank() - 1] = s.dv;
  Tensor out = zeros(out_shape);
  Tensor row_max = Tensor::empty({s.heads, s.tq}), log_total = Tensor::empty({s.heads, s.tq});
  Tensor infinite_share = Tensor::empty({s.heads, s.tq});
  const auto head = [=, qv = q.value(), kv = k.value(), vv = v.value()](Index h) {
    return Head{qv.data() + h * s.tq * s.d, kv.data() + h * s.tv * s.d, vv.data() + h * s.tv * s.dv,
                bias.numel() ? bias.data() + h * s.tq * s.tv : nullptr, s.tq, s.tv, s.d, s.dv, scale, causal};
  };
  // One (batch, head) per item: heads are independent, so any split over
  // threads gives the same bits.
  const Index cost = s.tq * s.tv * (s.d + s.dv);
  parallel_for(s.heads, cost, [&](Index begin, Index end) {
    for (Index h = begin; h < end; ++h) {
      forward_head(head(h), out.data() + h * s.tq * s.dv, row_max.data() + h * s.tq, log_total.data() + h * s.tq,
                   infinite_share.data() + h * s.tq);
    }
  });
  Var result = record("scaled_dot_product_attention",
                "S = scale q k^T + bias (masked: -inf), P = softmax(S) by rows, out = P v  ->\n"
                "  dv = P^T g,  dP = g v^T,  dS = P * (dP - rowsum(dP * P)),\n"
                "  dq = scale dS k,  dk = scale dS^T q",
                out, {q, k, v},
                [head, s, cost, out, row_max, log_total, infinite_share,
                 shapes = std::array{q.shape(), k.shape(), v.shape()}](
                    const Tensor& g) -> Grads {
                  Tensor dq = zeros(shapes[0]), dk = zeros(shapes[1]), dv = zeros(shapes[2]);
                  parallel_for(s.heads, 3 * cost, [&](Index begin, Index end) {
                    for (Index h = begin; h < end; ++h) {
                      backward_head(head(h), out.data() + h * s.tq * s.dv, row_max.data() + h * s.tq,
                                    log_total.data() + h * s.tq, infinite_share.data() + h * s.tq,
                                    g.data() + h * s.tq * s.dv, dq.data() + h * s.tq * s.d, dk.data() + h * s.tv * s.d,
                                    dv.data() + h * s.tv * s.dv);
                    }
                  });
                  return Grads{dq, dk, dv};
                },
                {{"bias", bias}});
  show_internals(result, [head, s, scores_shape] {
    Tensor weights = Tensor::empty(scores_shape);
    for (Index h = 0; h < s.heads; ++h) weights_of_head(head(h), weights.data() + h * s.tq * s.tv);
    return std::vector<std::pair<std::string, Tensor>>{{"attention weights", weights}};
  });
  return result;
}

}  // namespace atto
