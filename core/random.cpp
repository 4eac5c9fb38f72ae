#include "core/random.h"

#include "core/errors.h"
#include "core/parallel.h"

#include <cmath>
#include <numbers>

namespace atto {

std::uint64_t Generator::bits(std::uint64_t index) const {
  // SplitMix64's output function applied to a (seed, index) pair.
  std::uint64_t z = seed_ * 0x9E3779B97F4A7C15ULL + (index + 1) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Generator::unit(std::uint64_t index) const { return static_cast<double>(bits(index) >> 11) * 0x1.0p-53; }

double Generator::next_double() { return unit(counter_++); }

Index Generator::randint(Index n) {
  if (n <= 0) throw_argument_error("randint", "upper bound {} must be positive", n);
  return static_cast<Index>(next_double() * static_cast<double>(n));
}

Tensor Generator::uniform(const Shape& shape, Real low, Real high) {
  if (!(low <= high)) throw_argument_error("uniform", "low {} > high {}", low, high);
  Tensor t = Tensor::empty(shape);
  Real* out = t.data();
  const std::uint64_t first = counter_;
  const double width = static_cast<double>(high) - low;
  parallel_for(t.numel(), 8, [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      // Rounding to Real can land on `high`; clamp to keep the interval half-open.
      const Real v = static_cast<Real>(low + width * unit(first + i));
      out[i] = v < high ? v : low;
    }
  });
  counter_ += t.numel();
  return t;
}

Tensor Generator::normal(const Shape& shape, Real mean, Real stddev) {
  if (!(stddev >= 0)) throw_argument_error("normal", "stddev {} must be >= 0", stddev);
  Tensor t = Tensor::empty(shape);
  Real* out = t.data();
  const std::uint64_t first = counter_;
  // Element i uses the uniform pair (2i, 2i+1), so any block split draws the same.
  parallel_for(t.numel(), 32, [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const double u1 = 1.0 - unit(first + 2 * i);  // in (0, 1]: log stays finite
      const double u2 = unit(first + 2 * i + 1);
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      out[i] = static_cast<Real>(mean + stddev * z);
    }
  });
  counter_ += 2 * static_cast<std::uint64_t>(t.numel());
  return t;
}

Generator& default_generator() {
  thread_local Generator generator(0);
  return generator;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace atto
