// exp, tanh and sigmoid over arrays, and a row's max, sum and scaling,
// compiled once per instruction set like
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

#include <cstring>
#include <limits>

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

// Sixteen numbers as one value: GCC and Clang split it into whatever
// registers the set has (one AVX-512 register of floats, two AVX2 ones, four
// SSE2 ones), so the loops below are SIMD at any width and add in one order
// everywhere. Written as lanes of an array instead, the compiler kept them
// scalar.
constexpr int kRowLanes = 16;
using RowLanes = Real __attribute__((vector_size(kRowLanes * sizeof(Real))));

// 16 running maxima, then the lanes: a maximum is exact, so the split
// cannot change the result. Comparisons skip NaN; softmax looks for one
// where it matters.
Real max_array(const Real* x, Index n) {
  constexpr Real kNegInf = -std::numeric_limits<Real>::infinity();
  RowLanes lanes = RowLanes{} + kNegInf;
  Index j = 0;
  for (; j + kRowLanes <= n; j += kRowLanes) {
    RowLanes v;
    std::memcpy(&v, x + j, sizeof v);
    lanes = v > lanes ? v : lanes;
  }
  Real m = kNegInf;
  for (int lane = 0; lane < kRowLanes; ++lane) m = lanes[lane] > m ? lanes[lane] : m;
  for (; j < n; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

// n values in 16 interleaved partial sums, then the partials in order: the
// same additions in the same order in every set.
Real sum_array(const Real* x, Index n) {
  RowLanes partial{};
  Index i = 0;
  for (; i + kRowLanes <= n; i += kRowLanes) {
    RowLanes v;
    std::memcpy(&v, x + i, sizeof v);
    partial += v;
  }
  Real total = 0;
  for (int lane = 0; lane < kRowLanes; ++lane) total += partial[lane];
  for (; i < n; ++i) total += x[i];
  return total;
}

void scale_array(Real* y, Real factor, Index n) {
  for (Index i = 0; i < n; ++i) y[i] *= factor;
}

constexpr VectorMathKernel kVectorMath{exp_array, tanh_array, sigmoid_array, max_array, sum_array, scale_array};

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
