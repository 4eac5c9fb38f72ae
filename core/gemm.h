// gemm: C = op(A) op(B), or C += op(A) op(B), on row-major matrices.
//
// op(A) is (m x k): A itself, read as a[i*lda + p], or with trans_a the
// transpose of a stored (k x m) matrix, read as a[p*lda + i]. Likewise op(B)
// is (k x n). Transposes are handled while packing, so callers (the backward
// passes above all) never materialise one.
#pragma once

#include "core/real.h"

namespace atto {

struct GemmOperand {
  const Real* data;
  Index ld;  // distance between consecutive rows of the matrix as stored
  bool transposed;
};

void gemm(Index m, Index n, Index k, GemmOperand a, GemmOperand b, Real* c, Index ldc, bool accumulate);

// The same product with no threads of its own, for callers that already run
// one gemm per thread (a batched matmul spreads its batch over threads).
void gemm_serial(Index m, Index n, Index k, GemmOperand a, GemmOperand b, Real* c, Index ldc, bool accumulate);

}  // namespace atto
