// Shape: the sizes of a tensor's dimensions, outermost first.
//
// Stored inline (no heap allocation) because every op builds a few of these,
// and at tutorial scale the cost of an op is mostly such bookkeeping.
#pragma once

#include "core/real.h"

#include <fmt/format.h>

#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace atto {

inline constexpr int kMaxRank = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<Index> dims);
  explicit Shape(std::span<const Index> dims);

  int rank() const { return rank_; }
  Index operator[](int axis) const { return dims_[axis]; }
  Index& operator[](int axis) { return dims_[axis]; }
  const Index* begin() const { return dims_.data(); }
  const Index* end() const { return dims_.data() + rank_; }

  // The element count; 0 when any dimension is 0, whatever the others.
  // Throws ShapeError naming `op`, the call that built this shape, when the
  // count does not fit in an Index.
  [[nodiscard]] Index numel(std::string_view op = "Shape") const;
  void push_back(Index dim);
  [[nodiscard]] Shape without_axis(int axis) const;
  [[nodiscard]] Shape with_axis(int axis, Index dim) const;  // replaces dims_[axis] by dim

  friend bool operator==(const Shape& a, const Shape& b);

 private:
  std::array<Index, kMaxRank> dims_{};
  int rank_ = 0;
};

// A contiguous tensor seen as (outer, n, inner) around one axis: element
// (o, k, i) is at (o * n + k) * inner + i. Reductions, slices and concat walk
// tensors this way.
struct AxisSplit {
  Index outer = 1, n = 1, inner = 1;
};
AxisSplit split_at_axis(const Shape& shape, int axis);

// Row-major strides in elements: the last axis has stride 1.
[[nodiscard]] std::array<Index, kMaxRank> contiguous_strides(const Shape& shape);

// Strides of `shape` seen from a broadcast result of rank `rank`: 0 along the
// dims where it is 1 or missing, so the same element is read again.
[[nodiscard]] std::array<Index, kMaxRank> broadcast_strides(const Shape& shape, int rank);

// The offsets, under `strides`, of the first elements of consecutive rows
// of `shape` (rows run along the last axis), from row `first` on: a division
// per axis to find the first, then an odometer, so that a loop over many
// short rows does no division per row.
class RowOffsets {
 public:
  RowOffsets(Index first, const Shape& shape, const std::array<Index, kMaxRank>& strides);
  [[nodiscard]] Index operator*() const { return offset_; }
  RowOffsets& operator++() {
    for (int axis = shape_.rank() - 2; axis >= 0; --axis) {
      offset_ += strides_[axis];
      if (++index_[axis] < shape_[axis]) return *this;
      offset_ -= strides_[axis] * shape_[axis];
      index_[axis] = 0;
    }
    return *this;
  }

 private:
  const Shape& shape_;
  const std::array<Index, kMaxRank>& strides_;
  std::array<Index, kMaxRank> index_{};
  Index offset_ = 0;
};

// Maps a possibly negative axis (-1 = last) into [0, rank); throws naming `op`.
[[nodiscard]] int normalize_axis(std::string_view op, int axis, int rank);

// NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1.
[[nodiscard]] Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b);

// "(2,3)", "()" for a scalar, "(5,)" is written "(5)".
[[nodiscard]] std::string to_string(const Shape& shape);

}  // namespace atto

template <>
struct fmt::formatter<atto::Shape> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const atto::Shape& shape, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{}", atto::to_string(shape));
  }
};
