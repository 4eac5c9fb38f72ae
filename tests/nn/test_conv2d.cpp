#include "nn/nn.h"

#include <doctest/doctest.h>

#include <limits>

using namespace atto;

namespace {

// The definition, one multiply-add at a time: y[n, i, j, f] = b[f] +
// sum over (dy, dx, c) of x[n, i s + dy - top, j s + dx - left, c] W[dy, dx, c, f],
// zero outside the image.
Tensor convolve_by_loops(const Tensor& x, const Tensor& kernel, const Tensor& bias, Index strides, Index top,
                         Index left, Index out_h, Index out_w) {
  const Index n = x.dim(0), height = x.dim(1), width = x.dim(2), channels = x.dim(3);
  const Index k = kernel.dim(0), filters = kernel.dim(3);
  Tensor y = zeros({n, out_h, out_w, filters});
  for (Index b = 0; b < n; ++b)
    for (Index i = 0; i < out_h; ++i)
      for (Index j = 0; j < out_w; ++j)
        for (Index f = 0; f < filters; ++f) {
          Real total = bias.at({f});
          for (Index dy = 0; dy < k; ++dy)
            for (Index dx = 0; dx < k; ++dx)
              for (Index c = 0; c < channels; ++c) {
                const Index row = i * strides + dy - top, col = j * strides + dx - left;
                if (row >= 0 && row < height && col >= 0 && col < width) {
                  total += x.at({b, row, col, c}) * kernel.at({dy, dx, c, f});
                }
              }
          y.at({b, i, j, f}) = total;
        }
  return y;
}

}  // namespace

TEST_CASE("Conv2D: the definition by loops, for valid and same padding, with strides") {
  Generator gen(11);
  struct Case {
    Index kernel_size, strides;
    Padding padding;
    Index top, left, out_h, out_w;  // for a (2, 7, 6, 3) input
  };
  // same, stride 2 on 7 rows: out 4, 2 zeros in all, 1 before; on 6 columns: out 3, 1 zero, after.
  for (const Case& c : {Case{3, 1, Padding::same, 1, 1, 7, 6}, Case{3, 2, Padding::same, 1, 0, 4, 3},
                        Case{2, 1, Padding::valid, 0, 0, 6, 5}, Case{3, 2, Padding::valid, 0, 0, 3, 2},
                        Case{4, 1, Padding::same, 1, 1, 7, 6}}) {
    CAPTURE(c.kernel_size);
    CAPTURE(c.strides);
    Conv2D conv(3, {.filters = 4, .kernel_size = c.kernel_size, .strides = c.strides, .padding = c.padding}, gen);
    conv.named_parameters()[1].second.mutable_value().fill(0.5);  // a non-zero bias
    const Tensor x = gen.normal({2, 7, 6, 3});
    const Tensor expected = convolve_by_loops(x, conv.kernel().value(), conv.bias().value(), c.strides, c.top,
                                              c.left, c.out_h, c.out_w);
    CHECK(allclose(conv(Var(x)).value(), expected, 1e-12, 1e-12));
  }
}

TEST_CASE("Conv2D and max_pool2d: gradients pass gradcheck over the full Jacobian") {
  Generator gen(12);
  Conv2D conv(2, {.filters = 3, .kernel_size = 3, .strides = 2, .padding = Padding::same,
                  .activation = Activation::tanh}, gen);
  const GradcheckResult input = gradcheck(
      "Conv2D", [&](const std::vector<Var>& v) { return conv(v[0]); }, {gen.normal({2, 5, 4, 2})});
  CAPTURE(input.report());
  CHECK(input.passed);
  // The kernel and bias as inputs, through the same composite.
  const GradcheckResult weights = gradcheck(
      "Conv2D weights",
      [&](const std::vector<Var>& v) {
        return matmul(image_windows(v[0], 2, 1, Padding::valid), reshape(v[1], {2 * 2 * 2, 3})) + v[2];
      },
      {gen.normal({2, 4, 3, 2}), gen.normal({2, 2, 2, 3}), gen.normal({3})});
  CAPTURE(weights.report());
  CHECK(weights.passed);
  const GradcheckResult pool = gradcheck(
      "max_pool2d", [](const std::vector<Var>& v) { return max_pool2d(v[0], 2); }, {gen.normal({2, 5, 5, 2})});
  CAPTURE(pool.report());
  CHECK(pool.passed);
}

TEST_CASE("Conv2D: shapes and arguments it refuses, named in the message") {
  Generator gen(13);
  Conv2D conv(3, {.filters = 2}, gen);
  CHECK(conv.kernel().shape() == Shape{3, 3, 3, 2});
  CHECK(conv(Var(zeros({1, 5, 4, 3}))).shape() == Shape{1, 3, 2, 2});
  CHECK_THROWS_WITH_AS(conv(Var(zeros({1, 5, 4, 2}))), "Conv2D: input (1,5,4,2) has 2 channels, the layer takes 3",
                       ShapeError);
  CHECK_THROWS_WITH_AS(conv(Var(zeros({5, 4, 3}))), "Conv2D: input (5,4,3) is not (batch, height, width, channels)",
                       ShapeError);
  CHECK_THROWS_WITH_AS(conv(Var(zeros({1, 2, 4, 3}))),
                       "Conv2D: input (1,2,4,3): height 2 is smaller than the 3x3 kernel (valid padding)", ShapeError);
  CHECK_THROWS_AS(Conv2D(3, {.filters = 0}), ArgumentError);
  CHECK_THROWS_AS(Conv2D(3, {.filters = 2, .strides = 0}), ArgumentError);
  CHECK_THROWS_WITH_AS(Conv2D(3, {.filters = 2, .padding = static_cast<Padding>(7)}),
                       "Conv2D: padding 7 is neither Padding::valid nor Padding::same", ArgumentError);
  CHECK_THROWS_WITH_AS(Conv2D(3, {.filters = 1 << 30, .kernel_size = 1 << 20}),
                       "Conv2D: a kernel of 1048576 x 1048576 x 3 x 1073741824 has too many elements to count",
                       ArgumentError);
  // Strides far larger than the image: one window, at the top left, with no
  // overflow on the way (ceil(4 / 2^63 - 1) is 1).
  Conv2D huge_strides(1, {.filters = 1, .kernel_size = 3, .strides = std::numeric_limits<Index>::max(),
                          .padding = Padding::same});
  CHECK(huge_strides(Var(zeros({1, 4, 4, 1}))).shape() == Shape{1, 1, 1, 1});
  CHECK_THROWS_WITH_AS(max_pool2d(Var(zeros({1, 1, 4, 3})), 2), "max_pool2d: input (1,1,4,3): a 2x2 pool does not fit",
                       ShapeError);
  CHECK_THROWS_WITH_AS(max_pool2d(Var(zeros({1, 4, 4, 3})), 0), "max_pool2d: pool 0 must be positive", ArgumentError);
  CHECK(max_pool2d(Var(zeros({1, 5, 7, 3})), 2).shape() == Shape{1, 2, 3, 3});
}

TEST_CASE("init: a convolution kernel's fans count the window, as Keras does") {
  Generator gen(14);
  // glorot_uniform's bound sqrt(6 / (fan_in + fan_out)) with fans 3*3*4 and 3*3*8.
  const Tensor kernel = init::glorot_uniform({3, 3, 4, 8}, gen);
  const Real bound = std::sqrt(Real(6) / (36 + 72));
  CHECK(max(abs(kernel)).item() <= bound);
  CHECK(max(abs(kernel)).item() > 0.9 * bound);
}
