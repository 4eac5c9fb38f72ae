// Token ids and class indices in Real tensors: in float, from 2^24 on
// neighbouring ids round together (16,777,217 reads as 16,777,216), so an id
// there is refused rather than silently reading the neighbouring row. As Ids
// (integers) they are exact at any size.
#include "nn/nn.h"

#include <doctest/doctest.h>

#include <limits>

using namespace atto;

namespace {

constexpr Index kFirstInexact = Index{1} << 24;

// A table of 2^24 + 2 rows of one float each (64 MiB), row i holding i - 2^24
// so that neighbouring rows read differently.
Var big_table() {
  Tensor values = Tensor::empty({kFirstInexact + 2, 1});
  for (Index i = 0; i < values.numel(); ++i) values.data()[i] = static_cast<Real>(i - kFirstInexact);
  return Var(values, true);
}

}  // namespace

TEST_CASE("ids from 2^24 on are refused in a float tensor") {
  static_assert(std::is_same_v<Real, float>);
  const Var table = big_table();
  CHECK(take_rows(table, tensor({16777215})).shape() == Shape{1, 1});
  const Tensor meant_16777217 = tensor({16777217});  // stored as 16,777,216
  CHECK_THROWS_WITH_AS((void)take_rows(table, meant_16777217),
                       "take_rows: index 16777216 at position 0 is at or above 16777216, where this build's numbers "
                       "cannot tell neighbouring ids apart; pass them as Ids (core/ids.h), or use the double build",
                       ArgumentError);
  Var logits(zeros({1, kFirstInexact + 2}), true);
  CHECK_THROWS_WITH_AS((void)softmax_cross_entropy(logits, meant_16777217),
                       "softmax_cross_entropy: target 16777216 at row 0 is beyond the class indices this build's "
                       "numbers hold exactly; pass them as Ids (core/ids.h), or use the double build",
                       ArgumentError);
}

TEST_CASE("ids above 2^24 as Ids read exactly the row and the class meant") {
  const Var table = big_table();
  const Var picked = take_rows(table, Ids({16777216, 16777217}));
  CHECK(picked.value().data()[0] == 0);  // row 2^24 holds 0, row 2^24 + 1 holds 1
  CHECK(picked.value().data()[1] == 1);
  sum(picked * Var(tensor({{1}, {10}}))).backward();
  CHECK(table.grad().data()[kFirstInexact] == 1);
  CHECK(table.grad().data()[kFirstInexact + 1] == 10);

  Embedding embedding(kFirstInexact + 2, 1);
  CHECK(embedding(Ids({1, 2}, {16777217, 3})).shape() == Shape{1, 2, 1});

  // Every logit 0 but the one meant, at class 2^24 + 1: a loss near 0 only
  // if that class is the one picked.
  Tensor scores = zeros({1, kFirstInexact + 2});
  scores.data()[kFirstInexact + 1] = 100;
  CHECK(cross_entropy(Var(scores), Ids({16777217})).item() < 1e-3);
  CHECK(cross_entropy(Var(scores), Ids({16777216})).item() > 99);
}
