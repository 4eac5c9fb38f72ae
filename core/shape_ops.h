// Ops that move elements around without arithmetic. Only Tensor::reshape is
// a view; these all return new contiguous tensors (except where noted).
#pragma once

#include "core/tensor.h"

#include <initializer_list>
#include <span>
#include <vector>

namespace atto {

// Reorders axes: out.shape[i] == x.shape[axes[i]].
[[nodiscard]] Tensor permute(const Tensor& x, std::span<const int> axes);
[[nodiscard]] Tensor permute(const Tensor& x, std::initializer_list<int> axes);
// Swaps two axes (the last two by default, the matrix transpose).
[[nodiscard]] Tensor transpose(const Tensor& x, int axis0 = -2, int axis1 = -1);

// Elements start, start+step, ... below stop along one axis, like x[start:stop:step].
// Out-of-range bounds are clamped as in Python; negative start/stop count from the end.
[[nodiscard]] Tensor slice(const Tensor& x, int axis, Index start, Index stop, Index step = 1);

// The adjoint of slice: zeros of `shape`, with `values` written where
// slice(x, axis, start, stop, step) would have read them.
[[nodiscard]] Tensor unslice(const Tensor& values, const Shape& shape, int axis, Index start, Index stop, Index step = 1);

// Joins tensors along an existing axis (concat) or a new one (stack).
[[nodiscard]] Tensor concat(std::span<const Tensor> parts, int axis);
[[nodiscard]] Tensor concat(std::initializer_list<Tensor> parts, int axis);
[[nodiscard]] Tensor stack(std::span<const Tensor> parts, int axis);
[[nodiscard]] Tensor stack(std::initializer_list<Tensor> parts, int axis);

// Splits along `axis` into pieces of the given sizes (the inverse of concat).
[[nodiscard]] std::vector<Tensor> split(const Tensor& x, int axis, std::span<const Index> sizes);

// Broadcasts x to `shape` (NumPy rules), copying the repeated elements. When
// the shape is already right, returns x itself (no copy).
[[nodiscard]] Tensor expand(const Tensor& x, const Shape& shape);

// Inserts or removes an axis of size 1 (views, like reshape).
[[nodiscard]] Tensor unsqueeze(const Tensor& x, int axis);
[[nodiscard]] Tensor squeeze(const Tensor& x, int axis);

}  // namespace atto
