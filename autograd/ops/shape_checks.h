// The argument checks a fused op shares with its composed twin
// (autograd/composed.cpp): both refuse the same calls with the same message,
// naming whichever of the two the user called. Not installed.
#pragma once

#include "core/tensor.h"

#include <string_view>

namespace atto::detail {

struct LstmShape {
  Index batch, steps, input, units;
};
// x (B, T, I), h0 and c0 (B, U), kernel (I, 4U), recurrent (U, 4U), bias (4U), mask (B, T) or unset.
LstmShape check_lstm_sequence(std::string_view op, const Tensor& x, const Tensor& h0, const Tensor& c0,
                              const Tensor& kernel, const Tensor& recurrent, const Tensor& bias, const Tensor& mask);

struct AttentionShape {
  Index heads = 1;  // all leading axes together
  Index tq = 0, tv = 0, d = 0, dv = 0;
};
// q (..., Tq, d), k (..., Tv, d), v (..., Tv, dv), a finite scale, one of
// AttentionMask's values (given as its number), and a bias unset or
// broadcasting to the scores (..., Tq, Tv).
AttentionShape check_attention(std::string_view op, const Tensor& q, const Tensor& k, const Tensor& v, Real scale,
                               int mask, const Tensor& bias);

struct WindowShape {
  Index batch, height, width, channels, rows, cols;  // rows, cols: the windows down and across
};
// x (N, H, W, C) at least kernel_size high and wide, kernel_size and strides positive.
WindowShape check_sliding_windows(std::string_view op, const Tensor& x, Index kernel_size, Index strides);

}  // namespace atto::detail
