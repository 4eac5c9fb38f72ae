#include "tutorials/common/images.h"

#include <algorithm>
#include <array>

namespace atto::tutorial {

namespace {

void check_grey(const char* op, const Tensor& images) {
  if (images.rank() != 3) throw_shape_error(op, "images {}: need (N, H, W)", images.shape());
}

}  // namespace

Tensor normalize_each_image(const Tensor& images) {
  check_grey("normalize_each_image", images);
  const Tensor flat = images.reshape({images.dim(0), -1});
  const Tensor low = -max(-flat, 1, true), high = max(flat, 1, true);
  const Tensor range = maximum(high - low, full({1}, Real(1e-6)));
  return ((flat - low) / range).reshape(images.shape());
}

Tensor median_filter(const Tensor& images) {
  check_grey("median_filter", images);
  const Index n = images.dim(0), h = images.dim(1), w = images.dim(2);
  Tensor out = Tensor::empty(images.shape());
  for (Index k = 0; k < n; ++k) {
    for (Index r = 0; r < h; ++r) {
      for (Index c = 0; c < w; ++c) {
        std::array<Real, 9> around{};
        int count = 0;
        for (Index dr = -1; dr <= 1; ++dr)
          for (Index dc = -1; dc <= 1; ++dc)
            around[count++] = images.at({k, std::clamp<Index>(r + dr, 0, h - 1), std::clamp<Index>(c + dc, 0, w - 1)});
        std::nth_element(around.begin(), around.begin() + 4, around.end());
        out.at({k, r, c}) = around[4];
      }
    }
  }
  return out;
}

Tensor resize_area(const Tensor& images, Index factor) {
  check_grey("resize_area", images);
  const Index n = images.dim(0), h = images.dim(1) / factor, w = images.dim(2) / factor;
  return mean(mean(images.reshape({n, h, factor, w, factor}), 4), 2);
}

Tensor resize_nearest(const Tensor& images, Index factor) {
  check_grey("resize_nearest", images);
  const Index n = images.dim(0), h = images.dim(1) / factor, w = images.dim(2) / factor;
  const Tensor blocks = images.reshape({n, h, factor, w, factor});
  return slice(slice(blocks, 4, 0, 1), 2, 0, 1).reshape({n, h, w});
}

Tensor upscale_nearest(const Tensor& images, Index factor) {
  check_grey("upscale_nearest", images);
  const Index n = images.dim(0), h = images.dim(1), w = images.dim(2);
  return expand(images.reshape({n, h, 1, w, 1}), {n, h, factor, w, factor}).reshape({n, h * factor, w * factor});
}

Tensor luminance(const Tensor& rgb) {
  if (rgb.rank() != 4 || rgb.dim(3) != 3) throw_shape_error("luminance", "images {}: need (N, H, W, 3)", rgb.shape());
  return sum(rgb * tensor({Real(0.299), Real(0.587), Real(0.114)}), 3);
}

}  // namespace atto::tutorial
