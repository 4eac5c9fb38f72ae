// Weight initializers, all drawn from a seeded Generator. For a 2-D kernel
// (fan_in, fan_out) as Dense uses it (Keras's layout):
//   glorot_uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out))   Keras's default
//   glorot_normal:  N(0, 2 / (fan_in + fan_out))
//   he_uniform:     U(-a, a), a = sqrt(6 / fan_in)                for relu layers
//   he_normal:      N(0, 2 / fan_in)
//   orthogonal:     a random orthogonal matrix times gain         recurrent kernels
// A 1-D shape has fan_in = fan_out = its size. A convolution kernel
// (kh, kw, in, out) has fan_in = kh kw in and fan_out = kh kw out, as in Keras.
#pragma once

#include "core/random.h"

namespace atto::init {

[[nodiscard]] Tensor glorot_uniform(const Shape& shape, Generator& gen = default_generator());
[[nodiscard]] Tensor glorot_normal(const Shape& shape, Generator& gen = default_generator());
[[nodiscard]] Tensor he_uniform(const Shape& shape, Generator& gen = default_generator());
[[nodiscard]] Tensor he_normal(const Shape& shape, Generator& gen = default_generator());
// Rows (or columns, whichever are fewer) orthonormal: Q of a QR decomposition
// of a Gaussian matrix, with signs fixed so the result is uniformly distributed.
[[nodiscard]] Tensor orthogonal(const Shape& shape, Real gain = 1, Generator& gen = default_generator());

}  // namespace atto::init
