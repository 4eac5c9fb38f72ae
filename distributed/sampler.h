// Which examples each rank trains on at each step. The global batch of a
// step is drawn from the seed and the step number alone, so every rank
// draws the same one without talking to the others, and a run resumed from
// a checkpoint at step s, on any number of ranks, sees the batches the
// uninterrupted run would have seen. Rank r of N takes the r-th of N equal
// contiguous slices.
#pragma once

#include "core/real.h"

#include <cstdint>
#include <vector>

namespace atto::distributed {

class ShardedSampler {
 public:
  // Batches of global_batch example numbers from [0, examples), drawn
  // uniformly with replacement. Throws ArgumentError unless global_batch is
  // a positive multiple of ranks and 0 <= rank < ranks.
  ShardedSampler(Index examples, Index global_batch, std::uint64_t seed, int rank, int ranks);

  [[nodiscard]] std::vector<Index> global_batch(Index step) const;
  // This rank's slice of global_batch(step): global_batch / ranks examples.
  [[nodiscard]] std::vector<Index> rank_batch(Index step) const;
  // Slice `slice` of global_batch(step), for one process that computes the
  // slices of every rank in turn.
  [[nodiscard]] std::vector<Index> slice(Index step, int slice) const;

  [[nodiscard]] Index slice_size() const { return global_batch_ / ranks_; }

 private:
  Index examples_, global_batch_;
  std::uint64_t seed_;
  int rank_, ranks_;
};

}  // namespace atto::distributed
