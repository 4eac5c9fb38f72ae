// sliding_windows, fused: im2col as one op. Each output position copies its
// window in one pass forward; the backward adds each window's gradient back
// onto the pixels it read (a pixel read by several windows gets them all).
// Its composed twin (sliding_windows_composed in autograd/composed.cpp)
// builds the same from k^2 slices and a concat, and the tests check one
// against the other; a Conv2D layer calls this one, which is what makes a
// convolution cost one copy and one product instead of 2k^2 + 1 ops.
//
// x (N, H, W, C), k, stride -> (N, H', W', k k C) with H' = (H - k) / stride + 1
//   out[n, i, j, (dy k + dx) C + c] = x[n, i stride + dy, j stride + dx, c]
#include "autograd/ops.h"
#include "autograd/ops/shape_checks.h"
#include "autograd/var.h"
#include "core/errors.h"
#include "core/parallel.h"

#include <algorithm>

namespace atto {

namespace detail {

WindowShape check_sliding_windows(std::string_view op, const Tensor& x, Index kernel_size, Index strides) {
  if (x.rank() != 4) throw_shape_error(op, "x {} is not (batch, height, width, channels)", x.shape());
  if (kernel_size < 1 || strides < 1) {
    throw_argument_error(op, "kernel_size {} and strides {} must be positive", kernel_size, strides);
  }
  const Index height = x.shape()[1], width = x.shape()[2];
  if (height < kernel_size || width < kernel_size) {
    throw_shape_error(op, "x {} is smaller than the {}x{} window", x.shape(), kernel_size, kernel_size);
  }
  // (size - k) / stride + 1 cannot overflow: size - k >= 0 and stride >= 1.
  return {x.shape()[0], height, width, x.shape()[3], (height - kernel_size) / strides + 1,
          (width - kernel_size) / strides + 1};
}

}  // namespace detail

// x (N, H, W, C), k, stride -> (N, H', W', k k C)
Var sliding_windows(const Var& x, Index kernel_size, Index strides) {
  const detail::WindowShape s = detail::check_sliding_windows("sliding_windows", x.value(), kernel_size, strides);
  const Index k = kernel_size, row = k * k * s.channels;
  Tensor out = Tensor::empty({s.batch, s.rows, s.cols, row});
  const Real* in = x.value().data();
  // Every window of every image is independent: one block of images per thread.
  parallel_for(s.batch, s.rows * s.cols * row, [&](Index begin, Index end) {
    for (Index n = begin; n < end; ++n) {
      for (Index i = 0; i < s.rows; ++i) {
        for (Index j = 0; j < s.cols; ++j) {
          Real* o = out.data() + ((n * s.rows + i) * s.cols + j) * row;
          for (Index dy = 0; dy < k; ++dy) {
            // out[n, i, j, (dy k + dx) C + c] = x[n, i stride + dy, j stride + dx, c]: k C in a row
            const Real* source = in + ((n * s.height + i * strides + dy) * s.width + j * strides) * s.channels;
            std::copy_n(source, k * s.channels, o + dy * k * s.channels);
          }
        }
      }
    }
  });
  return record("sliding_windows",
                "out[n, i, j, (dy k + dx) C + c] = x[n, i stride + dy, j stride + dx, c]\n"
                "  ->  dx[n, i stride + dy, j stride + dx, c] += g[n, i, j, (dy k + dx) C + c]",
                out, {x}, [s, k, strides, row](const Tensor& g) -> Grads {
    // In window order within each image, whichever thread has it: the same bits at any thread count.
    Tensor dx = zeros({s.batch, s.height, s.width, s.channels});
    parallel_for(s.batch, s.rows * s.cols * row, [&](Index begin, Index end) {
      for (Index n = begin; n < end; ++n) {
        for (Index i = 0; i < s.rows; ++i) {
          for (Index j = 0; j < s.cols; ++j) {
            const Real* gw = g.data() + ((n * s.rows + i) * s.cols + j) * row;
            for (Index dy = 0; dy < k; ++dy) {
              Real* target = dx.data() + ((n * s.height + i * strides + dy) * s.width + j * strides) * s.channels;
              for (Index e = 0; e < k * s.channels; ++e) target[e] += gw[dy * k * s.channels + e];
            }
          }
        }
      }
    });
    return {dx};
  });
}

}  // namespace atto
