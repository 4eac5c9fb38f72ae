// scaled_dot_product_attention, fused: one pass per query row forward (an
// online softmax, so the (Tq, Tv) score matrix is never stored) and one
// pass backward that recomputes the probabilities from the saved row
// log-sum-exp. Its composed twin in autograd/composed.cpp checks it.
//
// q (..., Tq, d), k (..., Tv, d), v (..., Tv, dv) -> (..., Tq, dv)
//   S = scale * q k^T + bias   (bias optional, (..., Tq, Tv); causal: j > i masked)
//   P = softmax(S) over j,  O = P v
// A row with no position left (all masked by causal or -inf bias) gives 0.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/errors.h"
#include "core/parallel.h"
#include "core/shape_ops.h"

#include <cmath>
#include <limits>
#include <vector>

namespace atto {

namespace {

constexpr Real kNegInf = -std::numeric_limits<Real>::infinity();

Real dot(const Real* a, const Real* b, Index n) {
  Real total = 0;
  for (Index c = 0; c < n; ++c) total += a[c] * b[c];
  return total;
}

struct AttentionShape {
  Index heads = 1;  // all leading axes together
  Index tq = 0, tv = 0, d = 0, dv = 0;
};

AttentionShape check(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias) {
  const int r = q.rank();
  if (r < 2 || k.rank() != r || v.rank() != r) {
    throw_shape_error("scaled_dot_product_attention", "q {}, k {}, v {}: need (..., Tq, d), (..., Tv, d), (..., Tv, dv)",
                      q.shape(), k.shape(), v.shape());
  }
  AttentionShape s{1, q.shape()[r - 2], k.shape()[r - 2], q.shape()[r - 1], v.shape()[r - 1]};
  for (int i = 0; i < r - 2; ++i) s.heads *= q.shape()[i];
  const bool leading_match = Shape(std::span<const Index>(q.shape().begin(), r - 2)) ==
                                 Shape(std::span<const Index>(k.shape().begin(), r - 2)) &&
                             Shape(std::span<const Index>(k.shape().begin(), r - 2)) ==
                                 Shape(std::span<const Index>(v.shape().begin(), r - 2));
  if (!leading_match || k.shape()[r - 1] != s.d || v.shape()[r - 2] != s.tv) {
    throw_shape_error("scaled_dot_product_attention", "q {}, k {}, v {}: need (..., Tq, d), (..., Tv, d), (..., Tv, dv)",
                      q.shape(), k.shape(), v.shape());
  }
  if (bias.numel() > 0) {
    Shape scores = q.shape();
    scores[r - 1] = s.tv;
    if (!(bias.shape() == scores)) {
      throw_shape_error("scaled_dot_product_attention", "bias {} for scores {}", bias.shape(), scores);
    }
  }
  return s;
}

// Score of query row i against key row j, or -inf when masked.
struct Scorer {
  const Real *q, *k, *bias;
  Real scale;
  bool causal;
  AttentionShape s;
  Real operator()(Index h, Index i, Index j) const {
    if (causal && j > i) return kNegInf;
    const Real raw = scale * dot(q + (h * s.tq + i) * s.d, k + (h * s.tv + j) * s.d, s.d);
    return bias ? raw + bias[(h * s.tq + i) * s.tv + j] : raw;
  }
  Index last_key(Index i) const { return causal ? std::min(i + 1, s.tv) : s.tv; }
};

}  // namespace

Var scaled_dot_product_attention(const Var& q, const Var& k, const Var& v, Real scale, bool causal,
                                 const Tensor& bias) {
  const AttentionShape s = check(q.value(), k.value(), v.value(), bias);
  Shape out_shape = q.shape();
  out_shape[out_shape.rank() - 1] = s.dv;
  Tensor out = zeros(out_shape);
  Tensor log_sum_exp = Tensor::empty({s.heads, s.tq});
  const Scorer score{q.value().data(), k.value().data(), bias.numel() ? bias.data() : nullptr, scale, causal, s};
  const Real* pv = v.value().data();
  // One (batch, head) per item: rows are independent, so any split is deterministic.
  parallel_for(s.heads, s.tq * s.tv * (s.d + s.dv), [&](Index begin, Index end) {
    for (Index h = begin; h < end; ++h) {
      for (Index i = 0; i < s.tq; ++i) {
        // Online softmax: keep the running max m and the sum l of exp(s - m),
        // rescaling the accumulated output whenever m grows.
        Real m = kNegInf, l = 0;
        Real* o = out.data() + (h * s.tq + i) * s.dv;
        for (Index j = 0; j < score.last_key(i); ++j) {
          const Real sj = score(h, i, j);
          if (sj == kNegInf) continue;
          if (sj > m) {
            const Real shrink = std::exp(m - sj);
            l *= shrink;
            for (Index c = 0; c < s.dv; ++c) o[c] *= shrink;
            m = sj;
          }
          const Real p = std::exp(sj - m);
          l += p;
          const Real* vj = pv + (h * s.tv + j) * s.dv;
          for (Index c = 0; c < s.dv; ++c) o[c] += p * vj[c];
        }
        if (l > 0) {
          for (Index c = 0; c < s.dv; ++c) o[c] /= l;
        }
        log_sum_exp.data()[h * s.tq + i] = l > 0 ? m + std::log(l) : kNegInf;
      }
    }
  });
  return record("scaled_dot_product_attention", out, {q, k, v},
                [score, s, out, log_sum_exp, qv = q.value(), kv = k.value(), vv = v.value(), bias](const Tensor& g) {
                  // P_ij = exp(S_ij - L_i);  dP_ij = dO_i . v_j;  D_i = dO_i . O_i;  dS_ij = P_ij (dP_ij - D_i)
                  // dq_i = scale sum_j dS_ij k_j;  dk_j = scale sum_i dS_ij q_i;  dv_j = sum_i P_ij dO_i
                  Tensor dq = zeros(qv.shape()), dk = zeros(kv.shape()), dv = zeros(vv.shape());
                  parallel_for(s.heads, s.tq * s.tv * (s.d + s.dv), [&](Index begin, Index end) {
                    for (Index h = begin; h < end; ++h) {
                      for (Index i = 0; i < s.tq; ++i) {
                        const Real lse = log_sum_exp.data()[h * s.tq + i];
                        if (lse == kNegInf) continue;  // an empty row: no gradient
                        const Real* go = g.data() + (h * s.tq + i) * s.dv;
                        const Real big_d = dot(go, out.data() + (h * s.tq + i) * s.dv, s.dv);
                        const Real* qi = qv.data() + (h * s.tq + i) * s.d;
                        Real* dqi = dq.data() + (h * s.tq + i) * s.d;
                        for (Index j = 0; j < score.last_key(i); ++j) {
                          const Real sj = score(h, i, j);
                          if (sj == kNegInf) continue;
                          const Real p = std::exp(sj - lse);
                          const Real* vj = vv.data() + (h * s.tv + j) * s.dv;
                          const Real ds = p * (dot(go, vj, s.dv) - big_d) * score.scale;
                          const Real* kj = kv.data() + (h * s.tv + j) * s.d;
                          Real* dkj = dk.data() + (h * s.tv + j) * s.d;
                          Real* dvj = dv.data() + (h * s.tv + j) * s.dv;
                          for (Index c = 0; c < s.d; ++c) {
                            dqi[c] += ds * kj[c];
                            dkj[c] += ds * qi[c];
                          }
                          for (Index c = 0; c < s.dv; ++c) dvj[c] += p * go[c];
                        }
                      }
                    }
                  });
                  return Grads{dq, dk, dv};
                });
}

}  // namespace atto
