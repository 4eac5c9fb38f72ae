#include "distributed/sampler.h"

#include "core/errors.h"

#include <doctest/doctest.h>

using atto::Index;
using atto::distributed::ShardedSampler;

TEST_CASE("the slices of every rank make up the global batch, the same for any number of ranks") {
  const ShardedSampler one(100, 12, 3, 0, 1);
  const std::vector<Index> batch = one.global_batch(5);
  REQUIRE(batch.size() == 12);
  for (const Index e : batch) CHECK((e >= 0 && e < 100));
  CHECK(one.rank_batch(5) == batch);
  for (int ranks : {2, 3, 4}) {
    std::vector<Index> joined;
    for (int r = 0; r < ranks; ++r) {
      const ShardedSampler sampler(100, 12, 3, r, ranks);
      CHECK(sampler.global_batch(5) == batch);
      const std::vector<Index> mine = sampler.rank_batch(5);
      CHECK(static_cast<Index>(mine.size()) == sampler.slice_size());
      CHECK(mine == sampler.slice(5, r));
      joined.insert(joined.end(), mine.begin(), mine.end());
    }
    CHECK(joined == batch);
  }
}

TEST_CASE("each step draws its own batch, from the seed and the step alone") {
  const ShardedSampler sampler(1000, 16, 1, 0, 2), other_seed(1000, 16, 2, 0, 2);
  CHECK(sampler.global_batch(0) != sampler.global_batch(1));
  CHECK(sampler.global_batch(0) != other_seed.global_batch(0));
  CHECK(sampler.global_batch(7) == ShardedSampler(1000, 16, 1, 1, 2).global_batch(7));
}

TEST_CASE("a batch that does not divide among the ranks, a bad rank or step, no examples: refused") {
  CHECK_THROWS_WITH_AS(ShardedSampler(100, 10, 0, 0, 3), doctest::Contains("global batch 10 must be a positive multiple of the 3 ranks"),
                       atto::ArgumentError);
  CHECK_THROWS_AS(ShardedSampler(100, 0, 0, 0, 1), atto::ArgumentError);
  CHECK_THROWS_WITH_AS(ShardedSampler(100, 6, 0, 3, 3), doctest::Contains("rank 3 of 3 ranks"), atto::ArgumentError);
  CHECK_THROWS_AS(ShardedSampler(100, 6, 0, -1, 3), atto::ArgumentError);
  CHECK_THROWS_AS(ShardedSampler(0, 6, 0, 0, 3), atto::ArgumentError);
  const ShardedSampler sampler(100, 6, 0, 0, 3);
  CHECK_THROWS_AS((void)sampler.global_batch(-1), atto::ArgumentError);
  CHECK_THROWS_WITH_AS((void)sampler.slice(0, 3), doctest::Contains("slice 3 of 3"), atto::ArgumentError);
}
