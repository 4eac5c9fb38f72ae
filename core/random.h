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
  [[nodiscard]] Tensor uniform(const Shape& shape, Real low = 0, Real high = 1);
  // Gaussian by the Box-Muller transform.
  [[nodiscard]] Tensor normal(const Shape& shape, Real mean = 0, Real stddev = 1);
  // A uniformly random integer in [0, n).
  [[nodiscard]] Index randint(Index n);
  // The next double in [0, 1) with 53 random bits.
  [[nodiscard]] double next_double();

 private:
  std::uint64_t bits(std::uint64_t index) const;
  [[nodiscard]] double unit(std::uint64_t index) const;  // in [0, 1)

  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

// The generator used when none is passed explicitly. There is one per
// thread, each starting from seed 0: two threads building layers at once
// never race on it (and draw the same numbers unless seeded apart), and
// manual_seed seeds the calling thread's. A Generator object itself is not
// safe to share between threads; give each thread its own.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace atto
