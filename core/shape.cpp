#include "core/shape.h"

#include "core/errors.h"

#include <algorithm>

namespace atto {

Shape::Shape(std::initializer_list<Index> dims) : Shape(std::span<const Index>(dims.begin(), dims.size())) {}

Shape::Shape(std::span<const Index> dims) {
  if (dims.size() > static_cast<size_t>(kMaxRank)) {
    throw_shape_error("Shape", "rank {} exceeds the maximum rank {}", dims.size(), kMaxRank);
  }
  for (Index d : dims) push_back(d);
}

Index Shape::numel(std::string_view op) const {
  // A zero anywhere empties the shape: (huge, huge, 0) must not overflow
  // on its way to the zero.
  if (std::find(begin(), end(), Index{0}) != end()) return 0;
  Index n = 1;
  for (Index d : *this) {
    if (__builtin_mul_overflow(n, d, &n)) throw_shape_error(op, "{} has too many elements to count", *this);
  }
  return n;
}

void Shape::push_back(Index dim) {
  if (rank_ == kMaxRank) throw_shape_error("Shape", "rank exceeds the maximum rank {}", kMaxRank);
  if (dim < 0) throw_shape_error("Shape", "negative dimension {}", dim);
  dims_[rank_++] = dim;
}

Shape Shape::without_axis(int axis) const {
  Shape out;
  for (int i = 0; i < rank_; ++i) {
    if (i != axis) out.push_back(dims_[i]);
  }
  return out;
}

Shape Shape::with_axis(int axis, Index dim) const {
  Shape out = *this;
  out.dims_[axis] = dim;
  return out;
}

bool operator==(const Shape& a, const Shape& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

AxisSplit split_at_axis(const Shape& shape, int axis) {
  AxisSplit split;
  for (int i = 0; i < axis; ++i) split.outer *= shape[i];
  split.n = shape[axis];
  for (int i = axis + 1; i < shape.rank(); ++i) split.inner *= shape[i];
  return split;
}

std::array<Index, kMaxRank> contiguous_strides(const Shape& shape) {
  std::array<Index, kMaxRank> strides{};
  Index stride = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

std::array<Index, kMaxRank> broadcast_strides(const Shape& shape, int rank) {
  std::array<Index, kMaxRank> strides{};
  const auto own = contiguous_strides(shape);
  const int shift = rank - shape.rank();
  for (int i = 0; i < shape.rank(); ++i) strides[i + shift] = shape[i] == 1 ? 0 : own[i];
  return strides;
}

RowOffsets::RowOffsets(Index first, const Shape& shape, const std::array<Index, kMaxRank>& strides)
    : shape_(shape), strides_(strides) {
  for (int axis = shape.rank() - 2; axis >= 0; --axis) {
    index_[axis] = first % shape[axis];
    offset_ += index_[axis] * strides[axis];
    first /= shape[axis];
  }
}

int normalize_axis(std::string_view op, int axis, int rank) {
  if (axis < -rank || axis >= rank) {
    throw_shape_error(op, "axis {} is out of range for rank {}", axis, rank);
  }
  return axis < 0 ? axis + rank : axis;
}

Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b) {
  const int rank = std::max(a.rank(), b.rank());
  Shape out;
  for (int i = 0; i < rank; ++i) {
    const int ia = i - (rank - a.rank());
    const int ib = i - (rank - b.rank());
    const Index da = ia >= 0 ? a[ia] : 1;
    const Index db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1) {
      throw_shape_error(op, "{} and {} do not broadcast: dim {} vs {}", a, b, da, db);
    }
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

std::string to_string(const Shape& shape) {
  std::string text = "(";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(shape[i]);
  }
  return text + ")";
}

}  // namespace atto
