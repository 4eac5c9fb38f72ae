// Ops that move elements around without arithmetic. Only Tensor::reshape is
// a view; these all return new contiguous tensors (except where noted).
#pragma once

#include "core/tensor.h"

#include <initializer_list>
#include <span>
#include <vector>

namespace atto {

// Reorders axes: out.shape[i] == x.shape[axes[i]].
Tensor permute(const Tensor& x, std::span<const int> axes);
Tensor permute(const Tensor& x, std::initializer_list<int> axes);
// Swaps two axes (the last two by default, the matrix transpose).
Tensor transpose(const Tensor& x, int axis0 = -2, int axis1 = -1);

// Elements start, start+step, ... below stop along one axis, like x[start:stop:step].
// Out-of-range bounds are clamped as in Python; negative start/stop count from the end.
Tensor slice(const Tensor& x, int axis, Index start, Index stop, Index step = 1);

// The adjoint of slice: zeros of `shape`, with `values` written where
// slice(x, axis, start, stop, step) would have read them.
Tensor unslice(const Tensor& values, const Shape& shape, int axis, Index start, Index stop, Index step = 1);

// Joins tensors along an existing axis (concat) or a new one (stack).
Tensor concat(std::span<const Tensor> parts, int axis);
Tensor concat(std::initializer_list<Tensor> parts, int axis);
Tensor stack(std::span<const Tensor> parts, int axis);
Tensor stack(std::initializer_list<Tensor> parts, int axis);

// Splits along `axis` into pieces of the given sizes (the inverse of concat).
std::vector<Tensor> split(const Tensor& x, int axis, std::span<const Index> sizes);

// Broadcasts x to `shape` (NumPy rules), copying the repeated elements. When
// the shape is already right, returns x itself (no copy).
Tensor expand(const Tensor& x, const Shape& shape);

// Inserts or removes an axis of size 1 (views, like reshape).
Tensor unsqueeze(const Tensor& x, int axis);
Tensor squeeze(const Tensor& x, int axis);

}  // namespace atto
