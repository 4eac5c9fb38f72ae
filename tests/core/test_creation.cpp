#include "core/core.h"
#include "core/storage_cache.h"

#include <doctest/doctest.h>

using namespace atto;

TEST_CASE("creation: zeros, ones, full, scalar") {
  const Tensor z = zeros({2, 3});
  CHECK(z.shape() == Shape{2, 3});
  CHECK(z.numel() == 6);
  for (Index i = 0; i < z.numel(); ++i) CHECK(z.data()[i] == 0);
  CHECK(ones({4}).data()[3] == 1);
  CHECK(full({2, 2}, 7).at({1, 1}) == 7);
  const Tensor s = scalar(2.5);
  CHECK(s.rank() == 0);
  CHECK(s.numel() == 1);
  CHECK(s.item() == 2.5);
}

TEST_CASE("creation: arange follows numpy") {
  CHECK(arange(4).shape() == Shape{4});
  CHECK(arange(4).data()[3] == 3);
  const Tensor t = arange(1, 2, Real(0.25));
  CHECK(t.numel() == 4);
  CHECK(t.data()[2] == doctest::Approx(1.5));
  CHECK(arange(5, 1, -2).numel() == 2);
  CHECK(arange(3, 3).numel() == 0);
}

TEST_CASE("creation: nested lists give their shape") {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  CHECK(t.shape() == Shape{2, 3});
  CHECK(t.at({1, 0}) == 4);
  const Tensor cube = tensor({{{1, 2}}, {{3, 4}}});
  CHECK(cube.shape() == Shape{2, 1, 2});
  CHECK(cube.at({1, 0, 1}) == 4);
  CHECK(tensor({{{{5}}}}).shape() == Shape{1, 1, 1, 1});
  CHECK(tensor({{1}, {2}}).shape() == Shape{2, 1});
  CHECK(tensor({}).shape() == Shape{0});
  CHECK(tensor({{}, {}}).shape() == Shape{2, 0});
  CHECK(tensor(5).rank() == 0);
  CHECK(tensor(5).item() == 5);
  CHECK(tensor({0.1, 2}).data()[0] == Real(0.1));
}

TEST_CASE("creation: copies share storage, clone does not") {
  Tensor a = zeros({3});
  Tensor shared = a;
  Tensor deep = a.clone();
  a.data()[0] = 9;
  CHECK(shared.data()[0] == 9);
  CHECK(deep.data()[0] == 0);
  CHECK(shared.shares_storage_with(a));
  CHECK_FALSE(deep.shares_storage_with(a));
}

TEST_CASE("creation: reshape is a view and infers -1") {
  Tensor a = arange(6);
  Tensor b = a.reshape({2, -1});
  CHECK(b.shape() == Shape{2, 3});
  b.at({1, 2}) = 42;
  CHECK(a.data()[5] == 42);
  CHECK(a.reshape({-1}).shape() == Shape{6});
  CHECK(zeros({0, 4}).reshape({-1, 2}).shape() == Shape{0, 2});
}

TEST_CASE("creation: empty tensors and high ranks are valid") {
  const Tensor e = zeros({0, 3});
  CHECK(e.numel() == 0);
  CHECK(Tensor().numel() == 0);
  const Tensor six = ones({1, 2, 1, 2, 1, 2});
  CHECK(six.rank() == 6);
  CHECK(six.numel() == 8);
  CHECK(ones({1, 1, 1, 1, 1, 1, 1, 2}).rank() == 8);
}

TEST_CASE("storage: a freed large block is reused, small ones are not cached, the cache is bounded") {
  release_cached_storage();
  const Index large = static_cast<Index>(kStorageCacheMinBytes / sizeof(Real));
  const Real* first = nullptr;
  {
    Tensor t = Tensor::empty({large});
    first = t.data();
    t.data()[large - 1] = 1;
  }
  {
    const Tensor again = Tensor::empty({large});
    CHECK(again.data() == first);
  }
  Tensor small = Tensor::empty({large - 1});
  small.fill(2);
  CHECK(release_cached_storage() == kStorageCacheMinBytes);
  CHECK(release_cached_storage() == 0);
  // More blocks than the cache keeps: the oldest go back to the system.
  {
    std::vector<Tensor> held;
    for (std::size_t i = 0; i < kStorageCacheBlocks + 2; ++i) held.push_back(Tensor::empty({large}));
  }
  CHECK(release_cached_storage() == kStorageCacheBlocks * kStorageCacheMinBytes);
}
