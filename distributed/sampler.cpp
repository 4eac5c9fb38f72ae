#include "distributed/sampler.h"

#include "core/errors.h"
#include "core/random.h"

namespace atto::distributed {

ShardedSampler::ShardedSampler(Index examples, Index global_batch, std::uint64_t seed, int rank, int ranks)
    : examples_(examples), global_batch_(global_batch), seed_(seed), rank_(rank), ranks_(ranks) {
  if (examples < 1) throw_argument_error("ShardedSampler", "examples {} must be at least 1", examples);
  if (ranks < 1 || rank < 0 || rank >= ranks) {
    throw_argument_error("ShardedSampler", "rank {} of {} ranks: a rank is from 0 to ranks - 1", rank, ranks);
  }
  if (global_batch < 1 || global_batch % ranks != 0) {
    throw_argument_error("ShardedSampler", "global batch {} must be a positive multiple of the {} ranks", global_batch,
                         ranks);
  }
}

std::vector<Index> ShardedSampler::global_batch(Index step) const {
  if (step < 0) throw_argument_error("ShardedSampler", "step {} must be at least 0", step);
  // A generator per step, its seed a hash of (seed, step): step s's batch
  // needs no draws of the steps before it.
  std::uint64_t mixed = seed_ + 0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(step) + 1);
  mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111ebULL;
  Generator gen(mixed ^ (mixed >> 31));
  std::vector<Index> batch(static_cast<std::size_t>(global_batch_));
  for (Index& example : batch) example = gen.randint(examples_);
  return batch;
}

std::vector<Index> ShardedSampler::slice(Index step, int slice) const {
  if (slice < 0 || slice >= ranks_) {
    throw_argument_error("ShardedSampler", "slice {} of {}: a slice is from 0 to ranks - 1", slice, ranks_);
  }
  const std::vector<Index> batch = global_batch(step);
  const auto begin = batch.begin() + slice * slice_size();
  return {begin, begin + slice_size()};
}

std::vector<Index> ShardedSampler::rank_batch(Index step) const { return slice(step, rank_); }

}  // namespace atto::distributed
