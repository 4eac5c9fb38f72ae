// Tutorial 06's pictures: attention over the 3x3 cells, in the terminal
// and as SVG tiles of images tinted by the weight each patch received.
#pragma once

#include "tutorials/06_image_attention/tasks.h"

#include <string>
#include <vector>

namespace atto::tutorial::image_attention {

// A 3x3 block of weights in the terminal: colour on a terminal, shades of
// characters otherwise.
void print_heatmap(const Tensor& weights, Index n);

// A square of the image, in pixels, drawn as an outline: what one unit of a
// convolutional network sees.
struct Window {
  Index top, left, size;
};

// One picture tile: an image, the attention weight each of its 9 patches
// received, a caption, and windows to outline.
struct Tile {
  const Tensor* pixels;  // (N, 12, 12)
  Index image;
  std::vector<Real> patch_weights;  // 9
  std::string caption;
  std::vector<Window> windows = {};
};

// Tiles in rows of `per_row`, each patch tinted by its weight, with a colour bar.
void save_tiles(const std::string& title, const std::vector<Tile>& tiles, Index per_row, const std::string& path);

// Row `row` of image n's weights (N, rows, 9) as 9 numbers.
std::vector<Real> weight_row(const Tensor& weights, Index n, Index row);

}  // namespace atto::tutorial::image_attention
