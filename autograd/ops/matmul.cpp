// matmul: C = op(A) op(B), where op transposes the last two axes when asked.
//
// (.., m, k) x (.., k, n) -> (.., m, n), leading axes broadcast.
//
// With G = dL/dC the textbook gradients are dL/d op(A) = G op(B)^T and
// dL/d op(B) = op(A)^T G. When an operand was used transposed, its gradient
// is the transpose of that, which the transpose flags express without
// building any transposed copy.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/matmul.h"
#include "core/reduce.h"

namespace atto {

namespace {

// A batch of products against one shared matrix B, (.., m, k) x (k, n): the
// gradient of B is a single GEMM over all batch rows, not a batch of GEMMs
// summed afterwards.
Tensor shared_matrix_grad(const Tensor& a, const Tensor& g, bool trans_b) {
  const Index k = a.shape()[a.rank() - 1], n = g.shape()[g.rank() - 1];
  const Tensor a_rows = a.reshape({-1, k}), g_rows = g.reshape({-1, n});
  // dB = A^T G over all rows (B used as is), or its transpose G^T A.
  return trans_b ? matmul(g_rows, a_rows, true, false) : matmul(a_rows, g_rows, true, false);
}

}  // namespace

Var matmul(const Var& a, const Var& b, bool trans_a, bool trans_b) {
  return record("matmul", atto::matmul(a.value(), b.value(), trans_a, trans_b), {a, b},
                [a = a.value(), b = b.value(), trans_a, trans_b](const Tensor& g, const std::vector<bool>& needs) {
                  Grads grads(2);
                  if (needs[0]) {
                    // C = op(A) op(B)  ->  d op(A) = G op(B)^T;  dA = (G op(B)^T)^T = op(B) G^T when transposed
                    const Tensor da = trans_a ? atto::matmul(b, g, trans_b, true) : atto::matmul(g, b, false, !trans_b);
                    grads[0] = sum_to(da, a.shape());
                  }
                  if (needs[1]) {
                    if (b.rank() == 2 && a.rank() > 2 && !trans_a) {
                      grads[1] = shared_matrix_grad(a, g, trans_b);
                    } else {
                      // C = op(A) op(B)  ->  d op(B) = op(A)^T G;  dB = G^T op(A) when transposed
                      const Tensor db =
                          trans_b ? atto::matmul(g, a, true, trans_a) : atto::matmul(a, g, !trans_a, false);
                      grads[1] = sum_to(db, b.shape());
                    }
                  }
                  return grads;
                });
}

}  // namespace atto
