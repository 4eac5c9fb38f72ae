#include "core/shape_ops.h"

#include "core/errors.h"
#include "core/map.h"
#include "core/parallel.h"

#include <algorithm>

namespace atto {

Tensor permute(const Tensor& x, std::initializer_list<int> axes) {
  return permute(x, std::span<const int>(axes.begin(), axes.size()));
}

Tensor permute(const Tensor& x, std::span<const int> axes) {
  const int rank = x.rank();
  if (static_cast<int>(axes.size()) != rank) {
    throw_shape_error("permute", "{} axes given for shape {}", axes.size(), x.shape());
  }
  std::array<bool, kMaxRank> seen{};
  Shape shape;
  std::array<Index, kMaxRank> source_strides{};
  const auto strides = contiguous_strides(x.shape());
  for (int i = 0; i < rank; ++i) {
    const int axis = normalize_axis("permute", axes[i], rank);
    if (seen[axis]) throw_shape_error("permute", "axis {} repeated for shape {}", axes[i], x.shape());
    seen[axis] = true;
    shape.push_back(x.shape()[axis]);
    source_strides[i] = strides[axis];
  }
  if (rank == 0) return x.clone();  // a scalar has no axes to move
  Tensor out = Tensor::empty(shape);
  if (out.numel() == 0) return out;
  const Real* in = x.data();
  Real* o = out.data();
  const Index cols = shape[rank - 1];
  const Index rows = out.numel() / cols;
  // One output row at a time: the source walks with the permuted strides.
  parallel_for(rows, cols, [&](Index begin, Index end) {
    RowOffsets source_offset(begin, shape, source_strides);
    for (Index row = begin; row < end; ++row, ++source_offset) {
      const Index offset = *source_offset;
      const Index step = source_strides[rank - 1];
      Real* dst = o + row * cols;
      for (Index j = 0; j < cols; ++j) dst[j] = in[offset + j * step];
    }
  });
  return out;
}

Tensor transpose(const Tensor& x, int axis0, int axis1) {
  const int rank = x.rank();
  const int a0 = normalize_axis("transpose", axis0, rank);
  const int a1 = normalize_axis("transpose", axis1, rank);
  std::array<int, kMaxRank> axes{};
  for (int i = 0; i < rank; ++i) axes[i] = i;
  std::swap(axes[a0], axes[a1]);
  return permute(x, std::span<const int>(axes.data(), rank));
}

namespace {

// A run of n elements copied: a single element without a call to memmove,
// which for runs of one (a slice with a step on the last axis, a stack along
// it) would cost more than the copy itself.
inline Real* copy_run(const Real* from, Index n, Real* to) {
  if (n == 1) {
    *to = *from;
    return to + 1;
  }
  return std::copy_n(from, n, to);
}

// The elements a slice reads along its axis: start, start+step, ... (count of them).
struct SliceRange {
  Index start, count;
};

SliceRange slice_range(const Shape& shape, int axis, Index start, Index stop, Index step) {
  if (step <= 0) throw_argument_error("slice", "{} axis {}: step {} must be positive", shape, axis, step);
  const Index n = shape[axis];
  auto clamp = [n](Index i) { return std::clamp(i < 0 ? i + n : i, Index{0}, n); };
  start = clamp(start);
  stop = std::max(clamp(stop), start);
  // Written so that no huge step or stop can overflow.
  return {start, stop > start ? (stop - start - 1) / step + 1 : 0};
}

// Copies the sliced runs from a full tensor into its slice (kToSlice) or back.
// With step 1 the slice of each outer index is one run: copied at once, not
// as `count` runs of `inner` elements (on the last axis, runs of one
// element each: a call per element, 30x slower on a (32, 10, 128) split).
template <bool kToSlice>
void copy_slice(const Real* from, Real* to, const Shape& shape, int axis, SliceRange range, Index step) {
  const AxisSplit v = split_at_axis(shape, axis);
  const Index run = step == 1 ? range.count * v.inner : v.inner;
  const Index runs = step == 1 ? 1 : range.count;
  parallel_copy_for(v.outer, range.count * v.inner, [&](Index begin, Index end) {
    for (Index outer = begin; outer < end; ++outer) {
      for (Index k = 0; k < runs; ++k) {
        const Index in_full = (outer * v.n + range.start + k * step) * v.inner;
        const Index in_slice = (outer * range.count + k) * v.inner;
        if constexpr (kToSlice) {
          copy_run(from + in_full, run, to + in_slice);
        } else {
          copy_run(from + in_slice, run, to + in_full);
        }
      }
    }
  });
}

}  // namespace

Tensor slice(const Tensor& x, int axis, Index start, Index stop, Index step) {
  const int a = normalize_axis("slice", axis, x.rank());
  const SliceRange range = slice_range(x.shape(), a, start, stop, step);
  Tensor out = Tensor::empty(x.shape().with_axis(a, range.count));
  copy_slice<true>(x.data(), out.data(), x.shape(), a, range, step);
  return out;
}

Tensor unslice(const Tensor& values, const Shape& shape, int axis, Index start, Index stop, Index step) {
  const int a = normalize_axis("unslice", axis, shape.rank());
  const SliceRange range = slice_range(shape, a, start, stop, step);
  if (!(values.shape() == shape.with_axis(a, range.count))) {
    throw_shape_error("unslice", "values {} do not fit a slice of {} along axis {}", values.shape(), shape, axis);
  }
  Tensor out = zeros(shape);
  copy_slice<false>(values.data(), out.data(), shape, a, range, step);
  return out;
}

Tensor concat(std::initializer_list<Tensor> parts, int axis) {
  return concat(std::span<const Tensor>(parts.begin(), parts.size()), axis);
}

Tensor concat(std::span<const Tensor> parts, int axis) {
  if (parts.empty()) throw_argument_error("concat", "no tensors to join");
  const Shape& first = parts[0].shape();
  const int a = normalize_axis("concat", axis, first.rank());
  Index total = 0;
  for (const Tensor& part : parts) {
    if (!(part.shape().without_axis(a) == first.without_axis(a)) || part.rank() != first.rank()) {
      throw_shape_error("concat", "{} and {} differ outside axis {}", first, part.shape(), axis);
    }
    total += part.shape()[a];
  }
  Tensor out = Tensor::empty(first.with_axis(a, total));
  const AxisSplit v = split_at_axis(first, a);
  Real* o = out.data();
  parallel_copy_for(v.outer, total * v.inner, [&](Index begin, Index end) {
    for (Index outer = begin; outer < end; ++outer) {
      Real* dst = o + outer * total * v.inner;
      for (const Tensor& part : parts) {
        const Index run = part.shape()[a] * v.inner;
        dst = copy_run(part.data() + outer * run, run, dst);
      }
    }
  });
  return out;
}

Tensor stack(std::initializer_list<Tensor> parts, int axis) {
  return stack(std::span<const Tensor>(parts.begin(), parts.size()), axis);
}

Tensor stack(std::span<const Tensor> parts, int axis) {
  if (parts.empty()) throw_argument_error("stack", "no tensors to stack");
  const int a = normalize_axis("stack", axis, parts[0].rank() + 1);
  std::vector<Tensor> expanded;
  expanded.reserve(parts.size());
  for (const Tensor& part : parts) {
    if (!(part.shape() == parts[0].shape())) {
      throw_shape_error("stack", "{} and {} differ", parts[0].shape(), part.shape());
    }
    expanded.push_back(unsqueeze(part, a));
  }
  return concat(expanded, a);
}

std::vector<Tensor> split(const Tensor& x, int axis, std::span<const Index> sizes) {
  const int a = normalize_axis("split", axis, x.rank());
  Index total = 0;
  for (Index size : sizes) {
    if (size < 0) throw_argument_error("split", "negative piece size {}", size);
    total += size;
  }
  if (total != x.shape()[a]) {
    throw_shape_error("split", "{} axis {}: piece sizes add up to {}, not {}", x.shape(), axis, total, x.shape()[a]);
  }
  std::vector<Tensor> pieces;
  Index start = 0;
  for (Index size : sizes) {
    pieces.push_back(slice(x, a, start, start + size));
    start += size;
  }
  return pieces;
}

Tensor expand(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (!(broadcast_shapes("expand", x.shape(), shape) == shape)) {
    throw_shape_error("expand", "{} cannot be broadcast to {}", x.shape(), shape);
  }
  Tensor out = Tensor::empty(shape, "expand");
  if (out.numel() == 0) return out;
  const int rank = shape.rank();
  const auto strides = broadcast_strides(x.shape(), rank);
  const Index cols = shape[rank - 1];
  const Real* in = x.data();
  Real* o = out.data();
  parallel_for(out.numel() / cols, cols, [&](Index begin, Index end) {
    RowOffsets source_offset(begin, shape, strides);
    for (Index row = begin; row < end; ++row, ++source_offset) {
      const Real* src = in + *source_offset;
      Real* dst = o + row * cols;
      for (Index j = 0; j < cols; ++j) dst[j] = src[j * strides[rank - 1]];
    }
  });
  return out;
}

Tensor unsqueeze(const Tensor& x, int axis) {
  const int a = normalize_axis("unsqueeze", axis, x.rank() + 1);
  Shape shape;
  for (int i = 0; i < x.rank(); ++i) {
    if (i == a) shape.push_back(1);
    shape.push_back(x.shape()[i]);
  }
  if (a == x.rank()) shape.push_back(1);
  return x.reshape(shape);
}

Tensor squeeze(const Tensor& x, int axis) {
  const int a = normalize_axis("squeeze", axis, x.rank());
  if (x.shape()[a] != 1) throw_shape_error("squeeze", "{} axis {} has size {}, not 1", x.shape(), axis, x.shape()[a]);
  return x.reshape(x.shape().without_axis(a));
}

}  // namespace atto
