// Token ids and class indices travel in Real tensors. In float, from 2^24 on
// neighbouring ids round together (16,777,217 reads as 16,777,216), so an id
// there is refused rather than silently reading the neighbouring row.
#include "nn/nn.h"

#include <doctest/doctest.h>

#include <limits>

using namespace atto;

TEST_CASE("ids from 2^24 on are refused where float cannot hold them exactly") {
  if constexpr (std::is_same_v<Real, float>) {
    const Index rows = (Index{1} << 24) + 2;  // a table of 64 MiB, one float per row
    Var table(zeros({rows, 1}), true);
    const Tensor below = tensor({16777215});
    CHECK(take_rows(table, below).shape() == Shape{1, 1});
    const Tensor meant_16777217 = tensor({16777217});  // stored as 16,777,216
    CHECK_THROWS_WITH_AS((void)take_rows(table, meant_16777217),
                         "take_rows: index 16777216 at position 0 is at or above 16777216, where this build's numbers "
                         "cannot tell neighbouring ids apart; use the double build for such a vocabulary",
                         ArgumentError);
    Var logits(zeros({1, rows}), true);
    CHECK_THROWS_WITH_AS((void)softmax_cross_entropy(logits, meant_16777217),
                         "softmax_cross_entropy: target 16777216 at row 0 is beyond the class indices this build's "
                         "numbers hold exactly; use the double build for so many classes",
                         ArgumentError);
  }
}
