#include "tutorials/exercises/10_lstm_cell.h"

namespace atto::exercise {

CellStep lstm_cell_forward(const Tensor& x, const Tensor& h, const Tensor& c, const LSTMWeights& w) {
  const Index units = w.recurrent.dim(0);
  const Tensor z = matmul(x, w.kernel) + matmul(h, w.recurrent) + w.bias;
  CellStep step;
  step.i = sigmoid(slice(z, 1, 0, units));
  step.f = sigmoid(slice(z, 1, units, 2 * units));
  step.g = tanh(slice(z, 1, 2 * units, 3 * units));
  step.o = sigmoid(slice(z, 1, 3 * units, 4 * units));
  step.c = step.f * c + step.i * step.g;
  step.h = step.o * tanh(step.c);
  return step;
}

CellGrads lstm_cell_backward(const Tensor& x, const Tensor& h, const Tensor& c, const LSTMWeights& w,
                             const CellStep& step, const Tensor& dh_next, const Tensor& dc_next) {
  const Tensor tanh_c = tanh(step.c);
  const Tensor dc_total = dc_next + dh_next * step.o * (Real(1) - tanh_c * tanh_c);
  const Tensor d_o = dh_next * tanh_c, d_i = dc_total * step.g, d_g = dc_total * step.i, d_f = dc_total * c;
  const Tensor dz = concat({d_i * step.i * (Real(1) - step.i), d_f * step.f * (Real(1) - step.f),
                            d_g * (Real(1) - step.g * step.g), d_o * step.o * (Real(1) - step.o)},
                           1);
  return {matmul(dz, w.kernel, Transpose::b), matmul(dz, w.recurrent, Transpose::b), dc_total * step.f,
          matmul(x, dz, Transpose::a),        matmul(h, dz, Transpose::a),           sum(dz, 0)};
}

}  // namespace atto::exercise
