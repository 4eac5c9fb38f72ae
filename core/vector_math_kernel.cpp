// exp, tanh and sigmoid over arrays, compiled once per instruction set like
// the gemm micro-kernel (core/cpu_kernels.h): the functions of
// core/scalar_math.h have no branches, so each loop below becomes SIMD code
// as wide as the set's registers (16 floats with AVX-512, 8 with AVX2, 4
// with SSE2 or NEON). In double they call the C library, one element at a
// time, in every copy.
//
// Within one copy every element gets the same bits wherever it sits in the
// array (vector body or scalar tail: both are compiled with the same flags).
// Two copies may differ in the last bit: with FMA the polynomials round once
// per multiply-add.
#include "core/cpu_kernels.h"
#include "core/scalar_math.h"

namespace atto::detail {

namespace {

void exp_array(const Real* x, Real shift, Real* y, Index n) {
  for (Index i = 0; i < n; ++i) y[i] = exp_of(x[i] - shift);
}

void tanh_array(const Real* x, Real shift, Real* y, Index n) {
  for (Index i = 0; i < n; ++i) y[i] = tanh_of(x[i] - shift);
}

void sigmoid_array(const Real* x, Real shift, Real* y, Index n) {
  for (Index i = 0; i < n; ++i) y[i] = sigmoid_of(x[i] - shift);
}

constexpr VectorMathKernel kVectorMath{exp_array, tanh_array, sigmoid_array};

}  // namespace

#if defined(ATTO_KERNEL_TARGET_AVX512)
const VectorMathKernel& vector_math_avx512() { return kVectorMath; }
#elif defined(ATTO_KERNEL_TARGET_AVX2)
const VectorMathKernel& vector_math_avx2() { return kVectorMath; }
#elif defined(ATTO_KERNEL_TARGET_NEON)
const VectorMathKernel& vector_math_neon() { return kVectorMath; }
#elif defined(ATTO_KERNEL_TARGET_GENERIC)
const VectorMathKernel& vector_math_generic() { return kVectorMath; }
#else
#error "define one ATTO_KERNEL_TARGET_* macro (core/meson.build)"
#endif

}  // namespace atto::detail
