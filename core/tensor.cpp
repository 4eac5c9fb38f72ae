#include "core/tensor.h"

#include "core/errors.h"
#include "core/storage.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <new>

namespace atto {

Tensor::Tensor() : Tensor(Shape{0}, nullptr, nullptr) {}

Tensor::Tensor(const Shape& shape, std::shared_ptr<Real[]> storage, std::shared_ptr<VersionCounter> version)
    : shape_(shape), numel_(shape.numel()), storage_(std::move(storage)), version_(std::move(version)) {}

std::uint64_t Tensor::version() const { return version_ ? version_->load(std::memory_order_relaxed) : 0; }

Tensor Tensor::empty(const Shape& shape, std::string_view op) {
  const Index n = shape.numel(op);
  if (n == 0) return Tensor(shape, nullptr, nullptr);
  // A byte count that wraps would allocate a small block for a huge tensor.
  if (n > std::numeric_limits<std::ptrdiff_t>::max() / static_cast<Index>(sizeof(Real))) {
    throw_shape_error(op, "{} has {} elements, more bytes than memory can address", shape, n);
  }
  try {
    return Tensor(shape, allocate_storage(n), std::make_shared<VersionCounter>(0));
  } catch (const std::bad_alloc&) {
    throw_argument_error(op, "out of memory allocating {} ({} bytes)", shape,
                         static_cast<double>(n) * static_cast<double>(sizeof(Real)));
  }
}

Index Tensor::dim(int axis) const { return shape_[normalize_axis("dim", axis, rank())]; }

Real Tensor::item() const {
  if (numel_ != 1) throw_shape_error("item", "tensor of shape {} has {} elements, not 1", shape_, numel_);
  return storage_[0];
}

Index Tensor::flat_index(std::string_view op, std::initializer_list<Index> index) const {
  if (static_cast<int>(index.size()) != rank()) {
    throw_shape_error(op, "{} indices for a tensor of shape {}", index.size(), shape_);
  }
  Index flat = 0;
  int axis = 0;
  for (Index i : index) {
    if (i < 0 || i >= shape_[axis]) {
      throw_shape_error(op, "index {} is out of range for axis {} of shape {}", i, axis, shape_);
    }
    flat = flat * shape_[axis] + i;
    ++axis;
  }
  return flat;
}

Real& Tensor::at(std::initializer_list<Index> index) { return storage_[flat_index("at", index)]; }
Real Tensor::at(std::initializer_list<Index> index) const { return storage_[flat_index("at", index)]; }

Tensor Tensor::clone() const {
  Tensor copy = empty(shape_);
  std::copy_n(storage_.get(), numel_, copy.data());
  return copy;
}

Tensor Tensor::reshape(std::initializer_list<Index> dims) const {
  Index known = 1;
  int inferred = -1;
  int axis = 0;
  for (Index d : dims) {
    if (d == -1) {
      if (inferred >= 0) {
        std::string asked;
        for (Index dim : dims) {
          if (!asked.empty()) asked += ',';
          asked += std::to_string(dim);
        }
        throw_shape_error("reshape", "{} to ({}): more than one -1", shape_, asked);
      }
      inferred = axis;
    } else if (d < 0) {
      throw_shape_error("reshape", "{}: negative dimension {}", shape_, d);
    } else {
      known *= d;
    }
    ++axis;
  }
  Shape target;
  for (Index d : dims) {
    if (d != -1) {
      target.push_back(d);
    } else if (known == 0 || numel_ % known != 0) {
      throw_shape_error("reshape", "cannot infer -1 reshaping {} of {} elements", shape_, numel_);
    } else {
      target.push_back(numel_ / known);
    }
  }
  return reshape(target);
}

Tensor Tensor::reshape(const Shape& shape) const {
  if (shape.numel() != numel_) {
    throw_shape_error("reshape", "{} to {}: {} elements != {}", shape_, shape, numel_, shape.numel());
  }
  return Tensor(shape, storage_, version_);
}

void Tensor::fill(Real value) {
  note_write();
  std::fill_n(data(), numel_, value);
}

Tensor full(const Shape& shape, Real value) {
  Tensor t = Tensor::empty(shape);
  t.fill(value);
  return t;
}

Tensor zeros(const Shape& shape) { return full(shape, 0); }
Tensor ones(const Shape& shape) { return full(shape, 1); }
Tensor zeros_like(const Tensor& t) { return zeros(t.shape()); }
Tensor ones_like(const Tensor& t) { return ones(t.shape()); }
Tensor scalar(Real value) { return full(Shape{}, value); }

Tensor arange(Real stop) { return arange(0, stop, 1); }

Tensor arange(Real start, Real stop, Real step) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step)) {
    throw_argument_error("arange", "start {}, stop {}, step {}: need finite values and a non-zero step", start, stop,
                         step);
  }
  const double count = std::ceil((static_cast<double>(stop) - start) / step);
  Tensor t = Tensor::empty(Shape{static_cast<Index>(std::max(0.0, count))});
  Real* out = t.data();
  for (Index i = 0; i < t.numel(); ++i) out[i] = static_cast<Real>(start + static_cast<double>(i) * step);
  return t;
}

namespace {

// The shape of nested braces, read along the first element at each depth.
Shape nested_shape(const NestedList& list) {
  Shape shape;
  const NestedList* level = &list;
  while (level->is_list()) {
    shape.push_back(static_cast<Index>(level->items().size()));
    if (level->items().size() == 0) break;
    level = level->items().begin();
  }
  return shape;
}

// Copies the numbers in order, checking every list against the shape.
void nested_copy(const NestedList& list, const Shape& shape, int depth, Real*& out) {
  if (!list.is_list()) {
    if (depth != shape.rank()) {
      throw_shape_error("tensor", "ragged nested list: a number at depth {} where lists of {} were expected", depth,
                        shape[depth]);
    }
    *out++ = list.value();
    return;
  }
  if (depth == shape.rank() || static_cast<Index>(list.items().size()) != shape[depth]) {
    throw_shape_error("tensor", "ragged nested list: {} elements at depth {} where {} were expected",
                      list.items().size(), depth, depth == shape.rank() ? 0 : shape[depth]);
  }
  for (const NestedList& item : list.items()) nested_copy(item, shape, depth + 1, out);
}

}  // namespace

Tensor tensor(const NestedList& values) {
  const Shape shape = nested_shape(values);
  Tensor t = Tensor::empty(shape);
  Real* out = t.data();
  nested_copy(values, shape, 0, out);
  return t;
}

}  // namespace atto
