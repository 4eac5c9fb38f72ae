// The part of gemm that depends on the instruction set: the micro-kernel,
// which keeps a tile of C in vector registers, and the block sizes chosen to
// go with it. core/gemm_micro_kernel.cpp is compiled once per instruction set
// with that set's compiler flags; core/gemm.cpp (packing and the loop nest)
// is compiled once, for the baseline CPU, and reads the sizes from here.
// core/kernel_dispatch.cpp picks the kernel this CPU runs.
#pragma once

#include "core/real.h"

namespace atto::detail {

struct GemmKernel {
  const char* name;
  Index mr, nr;      // the register tile: mr rows by nr columns of C
  Index kc, mc, nc;  // packed blocks: depth, rows of op(A), columns of op(B)
  // C[0:rows, 0:cols] (+)= the product of a packed (kc x mr) strip of A and a
  // packed (kc x nr) strip of B, both stored k-major.
  void (*micro_kernel)(Index kc, const Real* a, const Real* b, Real* c, Index ldc, Index rows, Index cols,
                       bool accumulate);
};

// The kernels this build holds; the dispatcher asks the CPU which it may run.
#if defined(__x86_64__)
const GemmKernel& gemm_kernel_generic();  // SSE2, which every x86-64 CPU has
const GemmKernel& gemm_kernel_avx2();     // AVX2 and FMA
const GemmKernel& gemm_kernel_avx512();   // AVX-512F
#elif defined(__aarch64__)
const GemmKernel& gemm_kernel_neon();     // NEON, which every ARM64 CPU has
#else
const GemmKernel& gemm_kernel_generic();  // 16-byte vectors, or scalars where the CPU has none
#endif

// The kernel every product uses now (see core/kernel_dispatch.h).
const GemmKernel& active_gemm_kernel();

}  // namespace atto::detail
