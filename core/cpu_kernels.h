// The code that depends on the instruction set, compiled once per set with
// that set's compiler flags and chosen at run time (core/kernel_dispatch.h):
//   * gemm's micro-kernel, which keeps a tile of C in vector registers, and
//     the block sizes chosen to go with it (core/gemm_micro_kernel.cpp);
//     core/gemm.cpp (packing and the loop nest) reads the sizes from here;
//   * the float exp, tanh and sigmoid over arrays (core/vector_math_kernel.cpp),
//     which need wide registers to be fast: softmax, the activations and the
//     LSTM's gates call them; with them a row's max, sum and scaling, which
//     softmax and the sums run on.
// Everything else is compiled once, for the architecture's baseline CPU.
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
  // The same set with a narrower tile, or null: products whose width it
  // pads less use it (core/gemm_micro_kernel.cpp).
  const GemmKernel* narrow;
};

// y[i] = f(x[i] - shift) for i < n, with the functions of core/scalar_math.h.
// x and y may be the same array. And the row loops of softmax and sum, here
// so that they too run at the set's width: each keeps one order of
// operations in every set (16 interleaved lanes, then the lanes in order),
// so that their bits do not depend on the set.
struct VectorMathKernel {
  void (*exp)(const Real* x, Real shift, Real* y, Index n);
  void (*tanh)(const Real* x, Real shift, Real* y, Index n);
  void (*sigmoid)(const Real* x, Real shift, Real* y, Index n);
  Real (*max)(const Real* x, Index n);           // the largest value, NaNs skipped; -inf for none
  Real (*sum)(const Real* x, Index n);           // in 16 lanes, then the lanes in order
  void (*scale)(Real* y, Real factor, Index n);  // y[i] *= factor
};

// The sets this build holds (each file defines its own under the set's name);
// the dispatcher asks the CPU which it may run.
#if defined(__x86_64__)
const GemmKernel& gemm_kernel_generic();  // SSE2, which every x86-64 CPU has
const GemmKernel& gemm_kernel_avx2();     // AVX2 and FMA
const GemmKernel& gemm_kernel_avx512();   // AVX-512F
const VectorMathKernel& vector_math_generic();
const VectorMathKernel& vector_math_avx2();
const VectorMathKernel& vector_math_avx512();
#elif defined(__aarch64__)
const GemmKernel& gemm_kernel_neon();     // NEON, which every ARM64 CPU has
const VectorMathKernel& vector_math_neon();
#else
const GemmKernel& gemm_kernel_generic();  // 16-byte vectors, or scalars where the CPU has none
const VectorMathKernel& vector_math_generic();
#endif

// The kernels every product and activation uses now.
const GemmKernel& active_gemm_kernel();
const VectorMathKernel& active_vector_math();

}  // namespace atto::detail
