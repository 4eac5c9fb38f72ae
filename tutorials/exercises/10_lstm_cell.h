// Exercise 10: an LSTM cell's gates, forward and backward, through time
// (tutorial 07).
//
// Keras's gate order, i f g o, in one (B, 4U) pre-activation:
//   z  = x kernel + h recurrent + bias      x (B, In), h (B, U), kernel (In, 4U), recurrent (U, 4U)
//   i = sigmoid(z[:, 0:U])   f = sigmoid(z[:, U:2U])   g = tanh(z[:, 2U:3U])   o = sigmoid(z[:, 3U:4U])
//   c' = f * c + i * g
//   h' = o * tanh(c')
// The backward takes dh' and dc' (what the next step and the loss send
// back to this step's outputs) and returns the gradient of everything the
// step read. Read each line above from right to left:
//   dc_total = dc' + dh' * o * (1 - tanh(c')^2)      the cell reaches the loss two ways
//   do = dh' * tanh(c'),  di = dc_total * g,  dg = dc_total * i,  df = dc_total * c,  dc = dc_total * f
//   through the activations: sigmoid' = s (1 - s), tanh' = 1 - t^2, giving dz (B, 4U)
//   dx = dz kernel^T,  dh = dz recurrent^T,  dkernel = x^T dz,  drecurrent = h^T dz,  dbias = dz summed over rows
// Through time, step t's dh and dc are added to what the loss sends to
// step t-1's outputs: the grader chains your cell over a sequence.
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

struct LSTMWeights {
  Tensor kernel, recurrent, bias;  // (In, 4U), (U, 4U), (4U)
};

struct CellStep {
  Tensor h, c;        // the new state, each (B, U)
  Tensor i, f, g, o;  // the gates after their activations, each (B, U): what the backward needs
};

struct CellGrads {
  Tensor x, h, c, kernel, recurrent, bias;  // dL/d of each input of the step
};

CellStep lstm_cell_forward(const Tensor& x, const Tensor& h, const Tensor& c, const LSTMWeights& w);
CellGrads lstm_cell_backward(const Tensor& x, const Tensor& h, const Tensor& c, const LSTMWeights& w,
                             const CellStep& step, const Tensor& dh_next, const Tensor& dc_next);

}  // namespace atto::exercise
