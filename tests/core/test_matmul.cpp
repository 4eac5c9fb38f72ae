#include "core/core.h"
#include "core/gemm.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace atto;

namespace {

// Checks c == op(a) op(b) for 2-D operands against a double-precision loop.
// The allowed error is the classic bound for a k-term dot product,
// k * eps * sum_p |a_ip b_pj|: any real indexing mistake is far above it.
void check_product(const Tensor& a, const Tensor& b, bool ta, bool tb, const Tensor& c, Real extra = 0) {
  const Index m = c.shape()[0], n = c.shape()[1];
  const Index k = ta ? a.shape()[0] : a.shape()[1];
  const double eps = std::numeric_limits<Real>::epsilon();
  for (Index i = 0; i < m; ++i) {
    for (Index j = 0; j < n; ++j) {
      double exact = 0, magnitude = 0;
      for (Index p = 0; p < k; ++p) {
        const double x = ta ? a.at({p, i}) : a.at({i, p});
        const double y = tb ? b.at({j, p}) : b.at({p, j});
        exact += x * y;
        magnitude += std::abs(x * y);
      }
      exact += extra;
      REQUIRE(std::abs(c.at({i, j}) - exact) <= (k + 2) * eps * (magnitude + std::abs(extra)));
    }
  }
}

}  // namespace

TEST_CASE("matmul: awkward sizes, every transpose flag, against a naive loop") {
  Generator gen(5);
  const Index sizes[] = {1, 7, 63, 65, 129, 255, 513};
  // Each size appears as m, as n and as k; plus a few squares around the block sizes.
  std::vector<std::array<Index, 3>> shapes;
  for (int i = 0; i < 7; ++i) shapes.push_back({sizes[i], sizes[(i + 1) % 7], sizes[(i + 2) % 7]});
  shapes.push_back({65, 65, 65});
  shapes.push_back({97, 300, 257});
  for (const auto& [m, n, k] : shapes) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        CAPTURE(m);
        CAPTURE(n);
        CAPTURE(k);
        CAPTURE(ta);
        CAPTURE(tb);
        const Tensor a = ta ? gen.uniform({k, m}, -1, 1) : gen.uniform({m, k}, -1, 1);
        const Tensor b = tb ? gen.uniform({n, k}, -1, 1) : gen.uniform({k, n}, -1, 1);
        const Tensor c = matmul(a, b, transpose_of(ta, tb));
        REQUIRE(c.shape() == Shape{m, n});
        check_product(a, b, ta, tb, c);
      }
    }
  }
}

TEST_CASE("matmul: accumulate adds to the output") {
  Generator gen(6);
  const Tensor a = gen.uniform({33, 70}, -1, 1), b = gen.uniform({70, 50}, -1, 1);
  Tensor out = full({33, 50}, 2);
  matmul_into(out, a, b, Transpose::none, Into::add);
  check_product(a, b, false, false, out, 2);
  CHECK(allclose(matmul(a, zeros({70, 0})), zeros({33, 0})));
  CHECK(allclose(matmul(zeros({3, 0}), zeros({0, 4})), zeros({3, 4}), 0, 0));
}

TEST_CASE("matmul: batched 3-D and 4-D, with broadcast batch dims") {
  Generator gen(8);
  const auto check_batched = [](const Tensor& a, const Tensor& b, bool ta, bool tb) {
    const Tensor c = matmul(a, b, transpose_of(ta, tb));
    const Index batches = c.numel() / (c.shape()[c.rank() - 2] * c.shape()[c.rank() - 1]);
    for (Index item = 0; item < batches; ++item) {
      // Recover each operand's matrix for this batch item by broadcasting.
      const Shape batch(std::span<const Index>(c.shape().begin(), c.rank() - 2));
      const auto pick = [&](const Tensor& t) {
        Shape target = batch;
        target.push_back(t.shape()[t.rank() - 2]);
        target.push_back(t.shape()[t.rank() - 1]);
        const Tensor full_t = expand(t.rank() < c.rank() ? t.reshape([&] {
          Shape s;
          for (int i = t.rank(); i < c.rank(); ++i) s.push_back(1);
          for (Index d : t.shape()) s.push_back(d);
          return s;
        }())
                                                         : t,
                                     target);
        const Index rows = target[target.rank() - 2], cols = target[target.rank() - 1];
        return slice(full_t.reshape({-1, rows, cols}), 0, item, item + 1).reshape({rows, cols});
      };
      const Index rows = c.shape()[c.rank() - 2], cols = c.shape()[c.rank() - 1];
      check_product(pick(a), pick(b), ta, tb, slice(c.reshape({-1, rows, cols}), 0, item, item + 1).reshape({rows, cols}));
    }
  };
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      CAPTURE(ta);
      CAPTURE(tb);
      const auto mat = [&](Shape batch, Index r, Index c, bool t) {
        batch.push_back(t ? c : r);
        batch.push_back(t ? r : c);
        return gen.uniform(batch, -1, 1);
      };
      check_batched(mat({4}, 5, 6, ta), mat({4}, 6, 7, tb), ta, tb);
      check_batched(mat({4}, 5, 6, ta), mat({}, 6, 7, tb), ta, tb);
      check_batched(mat({}, 5, 6, ta), mat({3}, 6, 7, tb), ta, tb);
      check_batched(mat({2, 1}, 9, 6, ta), mat({1, 3}, 6, 11, tb), ta, tb);
      check_batched(mat({2, 3}, 40, 70, ta), mat({2, 3}, 70, 30, tb), ta, tb);
    }
  }
}

TEST_CASE("gemm: few rows and many columns, shared out by column strips on two threads") {
  // A weight gradient's shape: the threads take whole column strips
  // (core/gemm.cpp). Just over the 512k multiply-adds that open a parallel
  // region, with ragged last strips, a row strip of 6 and one of 3 (packed
  // four rows at a time, then one by one), and a last depth block of 45.
  const int saved = num_threads();
  set_yield_to_other_programs(false);
  set_num_threads(2);
  Generator gen(13);
  struct Case {
    Index m, n, k;
  };
  for (const Case& s : {Case{14, 130, 301}, Case{3, 600, 301}}) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        CAPTURE(s.m);
        CAPTURE(s.n);
        CAPTURE(s.k);
        CAPTURE(ta);
        CAPTURE(tb);
        const Tensor a = ta ? gen.uniform({s.k, s.m}, -1, 1) : gen.uniform({s.m, s.k}, -1, 1);
        const Tensor b = tb ? gen.uniform({s.n, s.k}, -1, 1) : gen.uniform({s.k, s.n}, -1, 1);
        Tensor c = full({s.m, s.n}, 0.25);
        matmul_into(c, a, b, transpose_of(ta, tb), Into::add);
        check_product(a, b, ta, tb, c, 0.25);
      }
    }
  }
  set_num_threads(saved);
  set_yield_to_other_programs(true);
}

TEST_CASE("gemm: a packed B gives the same bits as packing it on every call") {
  Generator gen(12);
  // Sizes that cross the depth block (256) and the column block (4032), with ragged edges.
  struct Case {
    Index m, n, k;
  };
  for (const Case& s : {Case{5, 7, 3}, Case{32, 256, 64}, Case{33, 70, 300}, Case{9, 4100, 20}}) {
    for (bool trans_b : {false, true}) {
      CAPTURE(s.m);
      CAPTURE(s.n);
      CAPTURE(trans_b);
      const Tensor a = gen.uniform({s.m, s.k}, -1, 1);
      const Tensor b = trans_b ? gen.uniform({s.n, s.k}, -1, 1) : gen.uniform({s.k, s.n}, -1, 1);
      const GemmOperand b_operand{b.data(), trans_b ? s.k : s.n, trans_b};
      const PackedB packed(s.k, s.n, b_operand);
      CHECK(packed.rows() == s.k);
      CHECK(packed.cols() == s.n);
      for (bool accumulate : {false, true}) {
        Tensor expected = full({s.m, s.n}, 0.5), got = full({s.m, s.n}, 0.5);
        gemm(s.m, s.n, s.k, {a.data(), s.k, false}, b_operand, expected.data(), s.n, accumulate);
        gemm(s.m, {a.data(), s.k, false}, packed, got.data(), s.n, accumulate);
        CHECK(allclose(got, expected, 0, 0));
        check_product(a, b, false, trans_b, got, accumulate ? 0.5 : 0);
      }
    }
  }
}
