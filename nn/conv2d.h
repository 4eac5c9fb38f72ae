// Conv2D and max_pool2d over channels-last images, Keras's layout and names.
// Both are composites of primitives (slice, concat, matmul, reshape, max), so
// their gradients are the primitives' and gradcheck can prove them.
#pragma once

#include "nn/activation.h"
#include "nn/module.h"

#include "core/random.h"

namespace atto {

enum class Padding {
  valid,  // only windows that fit inside the image
  same,   // zeros around the image so that the output is ceil(size / stride)
};

struct Conv2DOptions {
  Index filters = 0;      // the output's channels (required)
  Index kernel_size = 3;  // a square window
  Index strides = 1;
  Padding padding = Padding::valid;  // Keras's default
  Activation activation = Activation::linear;
  bool use_bias = true;
};

// y = activation(conv(x, W) + b): x (N, H, W, in_channels) ->
// (N, H', W', filters), W (kernel_size, kernel_size, in_channels, filters)
// glorot_uniform, b zeros. A cross-correlation (the window is not flipped),
// as in Keras and PyTorch. Computed by im2col (the fused sliding_windows
// op, after zero padding): every window becomes one row of kernel_size^2
// in_channels values, and one matmul with W applies all filters to all
// windows at once.
class Conv2D : public Layer {
 public:
  Conv2D(Index in_channels, const Conv2DOptions& options, Generator& gen = default_generator());
  [[nodiscard]] Var forward(const Var& x) override;
  [[nodiscard]] std::string type_name() const override { return "Conv2D"; }
  const Var& kernel() const { return kernel_; }
  const Var& bias() const { return bias_; }

 private:
  Var kernel_, bias_;
  Conv2DOptions options_;
};

// im2col: x (N, H, W, C) -> (N, H', W', kernel_size^2 C), each output
// position holding its window, row by row, channels innermost (the order of
// a (kernel_size, kernel_size, C, filters) kernel read as a matrix).
[[nodiscard]] Var image_windows(const Var& x, Index kernel_size, Index strides, Padding padding);

// Max pooling with a pool x pool window and stride pool (Keras's
// MaxPooling2D defaults, padding valid): (N, H, W, C) -> (N, H / pool, W / pool, C),
// rounding down; rows and columns left over are dropped.
[[nodiscard]] Var max_pool2d(const Var& x, Index pool);

}  // namespace atto
