#include "core/core.h"
#include "core/gemm.h"
#include "core/kernel_dispatch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

using namespace atto;

namespace {

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Restores the kernel in use when a test case ends.
struct KernelGuard {
  std::string saved{active_kernel()};
  ~KernelGuard() { use_kernel(saved); }
};

}  // namespace

TEST_CASE("kernels: the one in use is supported, and the supported ones are built") {
  const auto built = built_kernels(), supported = supported_kernels();
  REQUIRE(!supported.empty());
  CHECK(contains(supported, active_kernel()));
  for (std::string_view name : supported) CHECK(contains(built, name));
  // The last kernel of the list needs nothing beyond the architecture's baseline.
  CHECK(supported.back() == built.back());
  if (const char* forced = std::getenv("ATTO_KERNEL"); forced != nullptr && *forced != '\0') {
    CHECK(active_kernel() == std::string_view(forced));
  } else {
    CHECK(active_kernel() == supported.front());
  }
}

TEST_CASE("kernels: use_kernel refuses a name it does not know, or one the CPU cannot run") {
  KernelGuard guard;
  try {
    use_kernel("sse9");
    FAIL("use_kernel accepted an unknown name");
  } catch (const ArgumentError& e) {
    CHECK(std::string(e.what()).starts_with("use_kernel: no kernel named 'sse9'; this build holds: "));
  }
  CHECK(active_kernel() == guard.saved);
  const auto supported = supported_kernels();
  for (std::string_view name : built_kernels()) {
    if (contains(supported, name)) continue;
    try {
      use_kernel(name);
      FAIL("use_kernel accepted a kernel the CPU cannot run");
    } catch (const ArgumentError& e) {
      CHECK(std::string(e.what()).starts_with("use_kernel: this CPU cannot run the " + std::string(name)));
    }
  }
}

// Every kernel against a double-precision loop, on shapes with ragged edges
// for every tile size (MR is 4 to 8, NR 4 to 48), and on blocks deeper than
// KC. Two kernels may round differently: fused multiply-adds round once.
TEST_CASE("kernels: every kernel the CPU supports computes the same products, within rounding") {
  KernelGuard guard;
  Generator gen(31);
  struct Case {
    Index m, n, k;
  };
  for (const Case& s : {Case{1, 1, 1}, Case{5, 17, 3}, Case{13, 50, 300}, Case{97, 49, 257}, Case{8, 48, 1}}) {
    const Tensor a = gen.uniform({s.m, s.k}, -1, 1), b = gen.uniform({s.k, s.n}, -1, 1);
    for (std::string_view name : supported_kernels()) {
      CAPTURE(name);
      CAPTURE(s.m);
      CAPTURE(s.n);
      CAPTURE(s.k);
      use_kernel(name);
      const Tensor c = matmul(a, b);
      const double eps = std::numeric_limits<Real>::epsilon();
      for (Index i = 0; i < s.m; ++i) {
        for (Index j = 0; j < s.n; ++j) {
          double exact = 0, magnitude = 0;
          for (Index p = 0; p < s.k; ++p) {
            exact += double(a.at({i, p})) * b.at({p, j});
            magnitude += std::abs(double(a.at({i, p})) * b.at({p, j}));
          }
          REQUIRE(std::abs(c.at({i, j}) - exact) <= (s.k + 2) * eps * magnitude);
        }
      }
    }
  }
}

TEST_CASE("kernels: sums give the same bits on every kernel; softmax's rows sum to 1, NaN and -inf rows kept") {
  KernelGuard guard;
  Generator gen(32);
  // Lengths around the 16 lanes, and a row with NaN, one with -inf only.
  const Tensor x = gen.normal({3, 1000}), odd = gen.normal({7, 37});
  Tensor special = gen.normal({2, 40});
  special.at({0, 20}) = std::numeric_limits<Real>::quiet_NaN();
  for (Index j = 0; j < 40; ++j) special.at({1, j}) = -std::numeric_limits<Real>::infinity();
  std::vector<Tensor> first;
  for (std::string_view name : supported_kernels()) {
    CAPTURE(name);
    use_kernel(name);
    const std::vector<Tensor> results{sum(x, -1), sum(odd, -1), sum(x), softmax(special)};
    const Tensor rows = sum(softmax(x), -1);
    for (Index r = 0; r < rows.numel(); ++r) CHECK(std::abs(rows.data()[r] - 1) < 1e-5);
    CHECK(std::isnan(results[3].at({0, 0})));
    CHECK(results[3].at({1, 0}) == 0);
    if (first.empty()) first = results;
    for (size_t i = 0; i < results.size(); ++i) {
      CAPTURE(i);
      CHECK(std::equal(results[i].data(), results[i].data() + results[i].numel(), first[i].data(),
                       [](Real a, Real b) { return a == b || (std::isnan(a) && std::isnan(b)); }));
    }
  }
}

TEST_CASE("kernels: a packed B keeps the kernel it was packed for") {
  KernelGuard guard;
  Generator gen(32);
  const Tensor a = gen.uniform({19, 70}, -1, 1), b = gen.uniform({70, 45}, -1, 1);
  for (std::string_view packed_for : supported_kernels()) {
    use_kernel(packed_for);
    const PackedB packed(70, 45, {b.data(), 45, false});
    Tensor expected = Tensor::empty({19, 45});
    gemm(19, 45, 70, {a.data(), 70, false}, {b.data(), 45, false}, expected.data(), 45, false);
    for (std::string_view later : supported_kernels()) {
      CAPTURE(packed_for);
      CAPTURE(later);
      use_kernel(later);
      Tensor got = Tensor::empty({19, 45});
      gemm(19, {a.data(), 70, false}, packed, got.data(), 45, false);
      CHECK(allclose(got, expected, 0, 0));
    }
  }
}
