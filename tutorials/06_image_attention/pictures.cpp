#include "tutorials/06_image_attention/pictures.h"

#include "tutorials/common/svg.h"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace atto::tutorial::image_attention {

void print_heatmap(const Tensor& weights, Index n) {
  static const char kShades[] = " .:-=+*#%@";
  const bool colour = isatty(fileno(stdout)) != 0;
  for (Index row = 0; row < kGrid; ++row) {
    fmt::print("    ");
    for (Index col = 0; col < kGrid; ++col) {
      const Real w = weights.at({n, 0, row * kGrid + col});
      if (colour) {
        fmt::print("\033[48;5;{}m {:4.2f} \033[0m", 232 + static_cast<int>(std::round(w * 23)), w);
      } else {
        fmt::print("{0}{0}{1:4.2f}{0}{0}", kShades[std::min<int>(9, static_cast<int>(w * 10))], w);
      }
    }
    fmt::print("\n");
  }
}

void save_tiles(const std::string& title, const std::vector<Tile>& tiles, Index per_row, const std::string& path) {
  constexpr double kPixel = 14, kGap = 20, kTop = 44, kCaption = 30, kBarRoom = 90;
  const double tile = kSide * kPixel, images_right = kGap + static_cast<double>(per_row) * (tile + kGap);
  const Index rows = (static_cast<Index>(tiles.size()) + per_row - 1) / per_row;
  const double row_height = tile + kCaption;
  tutorial::Svg svg(static_cast<int>(images_right + kBarRoom), static_cast<int>(kTop + rows * row_height + kGap));
  svg.text(kGap, 26, title, 15);
  // The tint: #ff3300 laid over white at opacity 0.6 * weight.
  const auto tint = [](double w) {
    const double a = 0.6 * w;
    return fmt::format("rgb(255,{},{})", static_cast<int>(std::lround(255 - 204 * a)),
                       static_cast<int>(std::lround(255 - 255 * a)));
  };
  svg.colour_bar(images_right, kTop, 14, tile, tint, 0, 1, "attention weight");
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const Tile& shown = tiles[t];
    const double left = kGap + static_cast<double>(static_cast<Index>(t) % per_row) * (tile + kGap);
    const double top = kTop + static_cast<double>(static_cast<Index>(t) / per_row) * row_height;
    for (Index r = 0; r < kSide; ++r)
      for (Index c = 0; c < kSide; ++c) {
        const int grey = 255 - static_cast<int>(std::clamp<Real>(shown.pixels->at({shown.image, r, c}), 0, 1) * 255);
        svg.rect(left + c * kPixel, top + r * kPixel, kPixel, kPixel, fmt::format("rgb({0},{0},{0})", grey));
      }
    for (Index p = 0; p < kPatches; ++p) {
      svg.rect(left + (p % kGrid) * kPatch * kPixel, top + (p / kGrid) * kPatch * kPixel, kPatch * kPixel,
               kPatch * kPixel, "#ff3300", 0.6 * shown.patch_weights[static_cast<std::size_t>(p)]);
    }
    for (const Window& w : shown.windows) {
      // Clipped to the image: padding beyond it holds zeros, nothing to see.
      const double x0 = left + std::max<Index>(w.left, 0) * kPixel, y0 = top + std::max<Index>(w.top, 0) * kPixel;
      const double x1 = left + std::min(w.left + w.size, kSide) * kPixel, y1 = top + std::min(w.top + w.size, kSide) * kPixel;
      svg.polyline({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, "#0066cc", 3);
    }
    svg.text(left + tile / 2, top + tile + 18, shown.caption, 12, "middle");
  }
  svg.save(path);
}

std::vector<Real> weight_row(const Tensor& weights, Index n, Index row) {
  std::vector<Real> row_weights;
  for (Index p = 0; p < kPatches; ++p) row_weights.push_back(weights.at({n, row, p}));
  return row_weights;
}

}  // namespace atto::tutorial::image_attention
