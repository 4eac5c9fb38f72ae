// Reproducible random numbers.
//
// The n-th number drawn from a generator is a pure function of (seed, n): a
// counter-based design (a SplitMix64 hash of the counter), so a fill can be
// split across threads and still produce exactly the numbers a serial fill
// would, on every machine. The standard <random> distributions are avoided
// because their algorithms differ between standard libraries.
#pragma once

#include "core/tensor.h"

#include <cstdint>

namespace atto {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : seed_(seed) {}

  void manual_seed(std::uint64_t seed) {
    seed_ = seed;
    counter_ = 0;
  }

  // Uniform in [low, high).
  Tensor uniform(const Shape& shape, Real low = 0, Real high = 1);
  // Gaussian by the Box-Muller transform.
  Tensor normal(const Shape& shape, Real mean = 0, Real stddev = 1);
  // A uniformly random integer in [0, n).
  Index randint(Index n);
  // The next double in [0, 1) with 53 random bits.
  double next_double();

 private:
  std::uint64_t bits(std::uint64_t index) const;
  double unit(std::uint64_t index) const;  // in [0, 1)

  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

// The generator used when none is passed explicitly.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace atto
