// Reductions over one axis (or over everything), and the sum back to a
// broadcast operand's shape that every binary op's backward needs.
//
// Sums are deterministic: they add in a fixed order that depends only on the
// data's length, never on the thread count.
#pragma once

#include "core/tensor.h"

namespace atto {

// Over all elements: a rank-0 tensor.
[[nodiscard]] Tensor sum(const Tensor& x);
[[nodiscard]] Tensor mean(const Tensor& x);
[[nodiscard]] Tensor max(const Tensor& x);

// Over one axis; keepdim leaves it in place with size 1.
[[nodiscard]] Tensor sum(const Tensor& x, int axis, bool keepdim = false);
[[nodiscard]] Tensor mean(const Tensor& x, int axis, bool keepdim = false);
[[nodiscard]] Tensor max(const Tensor& x, int axis, bool keepdim = false);
// Index of the first maximum along the axis, stored as Real (exact below 2^24).
[[nodiscard]] Tensor argmax(const Tensor& x, int axis, bool keepdim = false);

// Sums x down to `shape`, the inverse of broadcasting `shape` up to x.shape():
// leading axes are summed away and axes where `shape` has 1 are summed with keepdim.
[[nodiscard]] Tensor sum_to(const Tensor& x, const Shape& shape);

// The summation every reduction uses: fixed blocks of lanes, added in order.
[[nodiscard]] Real sum_row(const Real* values, Index n);

}  // namespace atto
