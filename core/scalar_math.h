// exp, tanh and the logistic sigmoid of one number. Arrays go through
// core/vector_math_kernel.cpp, which applies these same functions compiled
// for each instruction set (softmax, the activations, the LSTM's gates); the
// fused ops that need one value at a time (attention, cross-entropy, the GRU
// of tutorial 12) call them directly.
//
// In float they are written without branches or library calls, so that a
// loop applying them to an array compiles to SIMD code at whatever width it
// is compiled for (4 lanes with SSE2 or NEON, 8 with AVX2, 16 with AVX-512):
// glibc's expf and tanhf are calls the compiler cannot vectorise, and in the
// LSTM's gates they cost more than the matrix products. The methods are the
// classic ones (Cody and Waite's range reduction, Cephes-style minimax
// polynomials); each is within about two float ulps of the true value. In
// double, the library's functions: gradient checks want the last digit.
//
// Installed for ops of your own: a fused op that takes its exp from here
// agrees bit for bit with the library's kernels, and so with its composed
// twin.
#pragma once

#include "core/real.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace atto {

// e^x for float. x = n ln2 + r with |r| <= ln2 / 2, so e^x = 2^n e^r: e^r
// from a degree-7 polynomial, 2^n by adding n to the exponent bits. Beyond
// the range of normal floats it returns inf or 0 (results that would be
// subnormal flush to 0); NaN stays NaN.
[[nodiscard]] inline float exp_float(float x) {
  // The floats closest to ln(FLT_MIN) and ln(FLT_MAX) whose e^x is still a
  // normal float: the first lies at n = -126 with r >= 0, the second at
  // n = 128 with r < 0, so 2^n e^r below never leaves the normal range.
  constexpr float kLowest = -87.3365402f, kHighest = 88.7228317f;
  const float clamped = x > kLowest ? (x < kHighest ? x : kHighest) : kLowest;  // NaN -> kLowest
  // n = round(x / ln2): adding 1.5 * 2^23 pushes the fraction bits out.
  constexpr float kRound = 12582912.0f;
  const float shifted = clamped * 1.44269504088896341f + kRound;
  const float n = shifted - kRound;
  // r = x - n ln2, with ln2 split in two so that n * ln2_high is exact.
  const float r = (clamped - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.0f;
  // Unsigned, so that the shifts and sums wrap as two's complement would, without undefined behaviour.
  const std::uint32_t exponent = std::bit_cast<std::uint32_t>(shifted) - std::bit_cast<std::uint32_t>(kRound);
  const float result = std::bit_cast<float>(std::bit_cast<std::uint32_t>(er) + (exponent << 23));
  // Selects, not branches or early returns: GCC turns these into blends at
  // any vector width, where control flow would keep the loop scalar on every
  // CPU without AVX-512's masked instructions.
  const float bounded = x > kHighest ? std::numeric_limits<float>::infinity() : (x < kLowest ? 0.0f : result);
  return x != x ? x : bounded;
}

// tanh for float. Near 0, 1 - 2 / (e^2x + 1) would cancel, so |x| < 0.625
// uses the odd series x + x^3 P(x^2); beyond, the exponential form.
[[nodiscard]] inline float tanh_float(float x) {
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float series = p * z * x + x;
  const float magnitude = 1.0f - 2.0f / (exp_float(2.0f * std::fabs(x)) + 1.0f);
  return std::fabs(x) < 0.625f ? series : std::copysign(magnitude, x);
}

[[nodiscard]] inline Real exp_of(Real x) {
  if constexpr (std::is_same_v<Real, float>) {
    return exp_float(x);
  } else {
    return std::exp(x);
  }
}

[[nodiscard]] inline Real tanh_of(Real x) {
  if constexpr (std::is_same_v<Real, float>) {
    return tanh_float(x);
  } else {
    return std::tanh(x);
  }
}

// 1 / (1 + e^-x). In float one branch-free formula serves both signs (an
// overflowing e^-x gives 1 / inf = 0); in double, written so that exp never
// overflows.
[[nodiscard]] inline Real sigmoid_of(Real x) {
  if constexpr (std::is_same_v<Real, float>) {
    return 1.0f / (1.0f + exp_float(-x));
  } else {
    if (x >= 0) return 1 / (1 + std::exp(-x));
    const Real e = std::exp(x);
    return e / (1 + e);
  }
}

}  // namespace atto
