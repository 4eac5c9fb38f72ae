#include "core/core.h"

#include <doctest/doctest.h>

using namespace atto;

TEST_CASE("shape ops: permute and transpose move elements") {
  const Tensor x = arange(24).reshape({2, 3, 4});
  const Tensor p = permute(x, {2, 0, 1});
  CHECK(p.shape() == Shape{4, 2, 3});
  for (Index i = 0; i < 2; ++i)
    for (Index j = 0; j < 3; ++j)
      for (Index k = 0; k < 4; ++k) REQUIRE(p.at({k, i, j}) == x.at({i, j, k}));
  const Tensor t = transpose(x);
  CHECK(t.shape() == Shape{2, 4, 3});
  CHECK(t.at({1, 3, 2}) == x.at({1, 2, 3}));
  CHECK(transpose(x, 0, 2).at({3, 1, 0}) == x.at({0, 1, 3}));
}

TEST_CASE("shape ops: slice like python") {
  const Tensor x = arange(10).reshape({2, 5});
  const Tensor s = slice(x, 1, 1, 4);
  CHECK(s.shape() == Shape{2, 3});
  CHECK(s.at({1, 0}) == 6);
  const Tensor stepped = slice(x, -1, 0, 5, 2);
  CHECK(stepped.shape() == Shape{2, 3});
  CHECK(stepped.at({0, 2}) == 4);
  CHECK(slice(x, 1, -2, 100).shape() == Shape{2, 2});
  CHECK(slice(x, 1, 4, 2).shape() == Shape{2, 0});
  CHECK(slice(x, 0, 1, 2).at({0, 0}) == 5);
}

TEST_CASE("shape ops: concat, stack and split are inverse") {
  const Tensor a = arange(6).reshape({2, 3});
  const Tensor b = arange(6, 10).reshape({2, 2});
  const Tensor c = concat({a, b}, 1);
  CHECK(c.shape() == Shape{2, 5});
  CHECK(c.at({1, 3}) == 8);
  const Index sizes[] = {3, 2};
  const auto parts = split(c, 1, sizes);
  CHECK(allclose(parts[0], a, 0, 0));
  CHECK(allclose(parts[1], b, 0, 0));
  const Tensor s = stack({a, a * 2}, 0);
  CHECK(s.shape() == Shape{2, 2, 3});
  CHECK(s.at({1, 1, 2}) == 10);
  CHECK(stack({a, a}, -1).shape() == Shape{2, 3, 2});
  CHECK(concat({zeros({0, 3}), a}, 0).shape() == Shape{2, 3});
}

TEST_CASE("shape ops: slices and joins of two million elements copy the right ones") {
  // Big enough for every copy to be shared among threads (core/parallel.h's
  // copy grain); slices along the last axis are single runs per row, or
  // single elements with a step.
  const Index n = 1024;
  const Tensor x = arange(2 * n * n).reshape({2 * n, n});
  const Tensor middle = slice(x, 1, 3, 1000);
  const Tensor stepped = slice(x, 1, 1, n, 3);
  for (const Index row : {Index{0}, Index{511}, 2 * n - 1}) {
    CHECK(middle.at({row, 0}) == x.at({row, 3}));
    CHECK(middle.at({row, 996}) == x.at({row, 999}));
    CHECK(stepped.at({row, 5}) == x.at({row, 16}));
  }
  const Index halves[] = {n / 2, n / 2};
  const auto parts = split(x, 1, halves);
  CHECK(parts[1].at({2 * n - 1, 0}) == x.at({2 * n - 1, n / 2}));
  CHECK(allclose(concat({parts[0], parts[1]}, 1), x, 0, 0));
  const Tensor back = unslice(stepped, x.shape(), 1, 1, n, 3);
  CHECK(back.at({7, 4}) == x.at({7, 4}));
  CHECK(back.at({7, 5}) == 0);
}

TEST_CASE("shape ops: expand repeats broadcast dims and returns x when nothing changes") {
  const Tensor row = tensor({1, 2, 3});
  const Tensor e = expand(row, {2, 3});
  CHECK(e.shape() == Shape{2, 3});
  CHECK(e.at({1, 2}) == 3);
  CHECK(expand(row, {3}).shares_storage_with(row));
  const Tensor col = tensor({{1}, {2}});
  CHECK(expand(col, {4, 2, 3}).at({3, 1, 2}) == 2);
  CHECK(expand(row, {0, 3}).numel() == 0);
}

TEST_CASE("shape ops: unsqueeze and squeeze") {
  const Tensor x = zeros({2, 3});
  CHECK(unsqueeze(x, 0).shape() == Shape{1, 2, 3});
  CHECK(unsqueeze(x, -1).shape() == Shape{2, 3, 1});
  CHECK(squeeze(unsqueeze(x, 1), 1).shape() == Shape{2, 3});
}
