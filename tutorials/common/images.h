// Image preprocessing, the article's section 3.1.1, on batches of grey
// images (N, H, W) and colour ones (N, H, W, 3). Tutorial 06 measures what
// each step does to a model.
#pragma once

#include "core/core.h"

namespace atto::tutorial {

// Each image mapped to [0, 1] on its own: its darkest pixel to 0, its
// brightest to 1. Unlike a scaler fitted on a dataset, it needs nothing but
// the image, so it also undoes a camera's brightness and contrast.
Tensor normalize_each_image(const Tensor& images);

// The median of each 3x3 neighbourhood (edges repeated): removes isolated
// specks, and with them any stroke one pixel wide.
Tensor median_filter(const Tensor& images);

// Down by `factor`: the mean of each factor x factor block (area resizing),
// or only its top-left pixel (nearest neighbour).
Tensor resize_area(const Tensor& images, Index factor);
Tensor resize_nearest(const Tensor& images, Index factor);
// Up by `factor`, each pixel repeated into a factor x factor block.
Tensor upscale_nearest(const Tensor& images, Index factor);

// Colour to grey: the luma of ITU-R BT.601, 0.299 R + 0.587 G + 0.114 B.
Tensor luminance(const Tensor& rgb);

}  // namespace atto::tutorial
