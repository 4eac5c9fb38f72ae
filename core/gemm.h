// gemm: C = op(A) op(B), or C += op(A) op(B), on row-major matrices.
//
// op(A) is (m x k): A itself, read as a[i*lda + p], or with trans_a the
// transpose of a stored (k x m) matrix, read as a[p*lda + i]. Likewise op(B)
// is (k x n). Transposes are handled while packing, so callers (the backward
// passes above all) never materialise one.
#pragma once

#include "core/real.h"

#include <cstdlib>
#include <memory>
#include <vector>

namespace atto {

namespace detail {
struct GemmKernel;
}

struct GemmOperand {
  const Real* data;
  Index ld;  // distance between consecutive rows of the matrix as stored
  bool transposed;
};

void gemm(Index m, Index n, Index k, GemmOperand a, GemmOperand b, Real* c, Index ldc, bool accumulate);

// Below this many multiply-adds (about 12 microseconds on one core) a product
// runs on one thread: a parallel region costs a few microseconds when the
// cores are idle. When another program holds a core a region would cost a
// whole scheduler time slice, but then region_threads() (core/parallel.h)
// keeps it to one thread. Measured on tutorial 15's model (products of
// (768 x 48)(48 x 48), 1.8M each): its step at 2 threads ran 1.37-1.42x one
// thread's speed with this threshold, 1.23-1.32x with 4 times it.
inline constexpr Index kParallelMultiplyAdds = Index{1} << 19;
// ...and only when C has at least this many elements to share out, or few
// rows and two column strips or more (core/gemm.cpp).
inline constexpr Index kParallelOutputs = 4096;

// The same product with no threads of its own, for callers that already run
// one gemm per thread (a batched matmul spreads its batch over threads).
void gemm_serial(Index m, Index n, Index k, GemmOperand a, GemmOperand b, Real* c, Index ldc, bool accumulate);

// op(B) packed once, for many products with the same right-hand side: a
// recurrent layer multiplies by its recurrent kernel at every step, and
// packing it each time would cost a copy of the whole matrix per step. The
// packed copy does not follow later changes to B. It is packed for the kernel
// in use when it is made (core/kernel_dispatch.h), and products with it use
// that kernel. Its layout is the kernel's business: the only use of a PackedB
// is the gemm below (BLAS libraries offer the same, e.g. MKL's
// cblas_sgemm_pack and cblas_sgemm_compute).
class PackedB {
 public:
  PackedB(Index k, Index n, GemmOperand b);
  [[nodiscard]] Index rows() const { return k_; }
  [[nodiscard]] Index cols() const { return n_; }

 private:
  friend void gemm(Index m, GemmOperand a, const PackedB& b, Real* c, Index ldc, bool accumulate);
  friend void gemm_serial(Index m, GemmOperand a, const PackedB& b, Real* c, Index ldc, bool accumulate);
  const detail::GemmKernel* kernel_;
  Index k_, n_;
  std::vector<Index> offsets_;  // of each panel, column blocks outer, depth blocks inner
  std::unique_ptr<Real[], decltype(&std::free)> data_{nullptr, &std::free};
};

// C (+)= op(A) B for a packed B (m x k times k x n): the same result, bit for
// bit, as gemm with the unpacked B.
void gemm(Index m, GemmOperand a, const PackedB& b, Real* c, Index ldc, bool accumulate);
// The same with no threads of its own, for callers that run one per thread.
void gemm_serial(Index m, GemmOperand a, const PackedB& b, Real* c, Index ldc, bool accumulate);

}  // namespace atto
