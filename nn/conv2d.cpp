#include "nn/conv2d.h"

#include "autograd/ops.h"
#include "core/errors.h"
#include "nn/init.h"

#include <vector>

namespace atto {

namespace {

void check_image(const char* op, const Var& x) {
  if (x.value().rank() != 4) throw_shape_error(op, "input {} is not (batch, height, width, channels)", x.shape());
}

// Rows or columns of zeros added before and after one axis.
Var pad_axis(const Var& x, int axis, Index before, Index after) {
  if (before == 0 && after == 0) return x;
  const auto zeros_of = [&](Index size) {
    Shape shape = x.shape();
    shape[axis] = size;
    return Var(zeros(shape));
  };
  std::vector<Var> parts;
  if (before > 0) parts.push_back(zeros_of(before));
  parts.push_back(x);
  if (after > 0) parts.push_back(zeros_of(after));
  return concat(parts, axis);
}

void check_padding(const char* op, Padding padding) {
  if (padding != Padding::valid && padding != Padding::same) {
    throw_argument_error(op, "padding {} is neither Padding::valid nor Padding::same", static_cast<int>(padding));
  }
}

// image_windows for `op`, the call the user made (Conv2D or image_windows).
Var windows(const char* op, const Var& x, Index kernel_size, Index strides, Padding padding) {
  check_image(op, x);
  if (kernel_size < 1 || strides < 1) {
    throw_argument_error(op, "kernel_size {} and strides {} must be positive", kernel_size, strides);
  }
  check_padding(op, padding);
  const Index height = x.shape()[1], width = x.shape()[2];
  // The zeros to add before and after each axis (Keras's and TensorFlow's
  // rule for same: ceil(size / strides) windows, the odd zero after).
  struct Axis {
    Index before, after;
  };
  const auto plan = [&](Index size, const char* name) {
    if (padding == Padding::valid) {
      if (size < kernel_size) {
        throw_shape_error(op, "input {}: {} {} is smaller than the {}x{} kernel (valid padding)", x.shape(), name, size,
                          kernel_size, kernel_size);
      }
      return Axis{0, 0};
    }
    const Index out = size / strides + (size % strides != 0);  // ceil(size / strides), which size + strides - 1 could overflow
    const Index total = std::max<Index>((out - 1) * strides + kernel_size - size, 0);
    return Axis{total / 2, total - total / 2};
  };
  const Axis rows = plan(height, "height"), cols = plan(width, "width");
  const Var padded = pad_axis(pad_axis(x, 1, rows.before, rows.after), 2, cols.before, cols.after);
  return sliding_windows(padded, kernel_size, strides);
}

}  // namespace

Var image_windows(const Var& x, Index kernel_size, Index strides, Padding padding) {
  return windows("image_windows", x, kernel_size, strides, padding);
}

Conv2D::Conv2D(Index in_channels, const Conv2DOptions& options, Generator& gen)
    : kernel_(init::glorot_uniform(parameter_shape("Conv2D", "kernel",
                                                   {positive_size("Conv2D", "kernel_size", options.kernel_size),
                                                    options.kernel_size,
                                                    positive_size("Conv2D", "in_channels", in_channels),
                                                    positive_size("Conv2D", "filters", options.filters)}),
                                   gen),
              true),
      bias_(zeros({options.filters}), true),
      options_(options) {
  if (options.strides < 1) throw_argument_error("Conv2D", "strides {} must be positive", options.strides);
  check_padding("Conv2D", options.padding);
  (void)checked_activation("Conv2D", options.activation);
  register_parameter("kernel", kernel_);
  if (options_.use_bias) register_parameter("bias", bias_);
}

Var Conv2D::forward(const Var& x) {
  const Index k = options_.kernel_size, channels = kernel_.shape()[2], filters = options_.filters;
  check_image("Conv2D", x);
  if (x.shape()[3] != channels) {
    throw_shape_error("Conv2D", "input {} has {} channels, the layer takes {}", x.shape(), x.shape()[3], channels);
  }
  const Var patches = windows("Conv2D", x, k, options_.strides, options_.padding);  // (N, H', W', k k C)
  Var y = matmul(patches, reshape(kernel_, {k * k * channels, filters}));      // (N, H', W', filters)
  if (options_.use_bias) y = y + bias_;
  return activate(options_.activation, y);
}

Var max_pool2d(const Var& x, Index pool) {
  check_image("max_pool2d", x);
  const Index n = x.shape()[0], height = x.shape()[1], width = x.shape()[2], channels = x.shape()[3];
  if (pool < 1) throw_argument_error("max_pool2d", "pool {} must be positive", pool);
  if (pool > height || pool > width) {
    throw_shape_error("max_pool2d", "input {}: a {}x{} pool does not fit", x.shape(), pool, pool);
  }
  const Index rows = height / pool, cols = width / pool;
  const Var fitted = slice(slice(x, 1, 0, rows * pool), 2, 0, cols * pool);
  // (N, rows, pool, cols, pool, C): the largest of each pool x pool block.
  return max(max(reshape(fitted, {n, rows, pool, cols, pool, channels}), 4), 2);
}

}  // namespace atto
