// Exercise 10: write lstm_cell_forward and lstm_cell_backward (see
// 10_lstm_cell.h), then run `make exercise 10`. Tensor ops you may want:
// matmul (with Transpose::a or ::b), slice, concat, sigmoid, tanh, sum.
#include "tutorials/exercises/10_lstm_cell.h"

namespace atto::exercise {

CellStep lstm_cell_forward([[maybe_unused]] const Tensor& x, [[maybe_unused]] const Tensor& h,
                           [[maybe_unused]] const Tensor& c, [[maybe_unused]] const LSTMWeights& w) {
  // Your code here: z, the four gates, c', h'.
  throw NotWrittenYet("lstm_cell_forward");
}

CellGrads lstm_cell_backward([[maybe_unused]] const Tensor& x, [[maybe_unused]] const Tensor& h,
                             [[maybe_unused]] const Tensor& c, [[maybe_unused]] const LSTMWeights& w,
                             [[maybe_unused]] const CellStep& step, [[maybe_unused]] const Tensor& dh_next,
                             [[maybe_unused]] const Tensor& dc_next) {
  // Your code here: dc_total, the gates' gradients, dz, then the six results.
  throw NotWrittenYet("lstm_cell_backward");
}

}  // namespace atto::exercise
