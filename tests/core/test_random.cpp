#include "core/core.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

TEST_CASE("random: same seed, same numbers; different seed, different numbers") {
  Generator a(42), b(42), c(43);
  const Tensor x = a.uniform({100});
  CHECK(std::equal(x.data(), x.data() + 100, b.uniform({100}).data()));
  CHECK_FALSE(std::equal(x.data(), x.data() + 100, c.uniform({100}).data()));
  // The stream continues: a second draw differs from the first.
  CHECK_FALSE(std::equal(x.data(), x.data() + 100, a.uniform({100}).data()));
}

TEST_CASE("random: known values pin the algorithm across machines") {
  Generator gen(2024);
  const double first = gen.next_double();
  Generator again(2024);
  CHECK(again.next_double() == first);
  CHECK(first >= 0);
  CHECK(first < 1);
  // Splitting a draw in two gives the same stream as drawing it at once.
  Generator whole(5), parts(5);
  const Tensor all = whole.uniform({10});
  const Tensor head = parts.uniform({4}), tail = parts.uniform({6});
  CHECK(head.data()[3] == all.data()[3]);
  CHECK(tail.data()[0] == all.data()[4]);
}

TEST_CASE("random: uniform and normal have the right moments") {
  Generator gen(1);
  const Tensor u = gen.uniform({100000}, -1, 3);
  CHECK(mean(u).item() == doctest::Approx(1).epsilon(0.01));
  CHECK(-max(-u).item() >= -1);
  CHECK(max(u).item() < 3);
  const Tensor n = gen.normal({100000}, 2, 0.5);
  CHECK(mean(n).item() == doctest::Approx(2).epsilon(0.01));
  const Real var = mean(pow(n - 2, 2)).item();
  CHECK(std::sqrt(var) == doctest::Approx(0.5).epsilon(0.02));
}

TEST_CASE("random: randint stays in range and the global seed resets the stream") {
  Generator gen(3);
  for (int i = 0; i < 1000; ++i) {
    const Index r = gen.randint(7);
    REQUIRE(r >= 0);
    REQUIRE(r < 7);
  }
  manual_seed(11);
  const Tensor first = default_generator().uniform({5});
  manual_seed(11);
  CHECK(allclose(default_generator().uniform({5}), first, 0, 0));
}
