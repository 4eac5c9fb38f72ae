// Tensor: an N-dimensional array of Real in contiguous row-major order.
//
// A Tensor is a handle: copying it is cheap and the copy shares the same
// storage, so writing through one is visible through the other (like a
// NumPy array assigned to a second name). clone() makes an independent copy.
// Every tensor is contiguous; ops that rearrange elements (permute, slice,
// concat) return new tensors. Views of the same storage come only from ops
// that keep the element order: reshape, squeeze and unsqueeze, and expand
// when the shape is already right (it then returns x itself).
//
// Each storage has a version, shared by all its views, that counts the
// writes announced to it: fill() and note_write() here, Var::mutable_value()
// and the optimizers' steps above. Backward compares the versions an op saw
// with the versions at backward time, so a tensor changed in place in
// between is caught instead of giving a wrong gradient (autograd/var.h).
// Writes through a data() pointer are not seen unless announced.
#pragma once

#include "core/real.h"
#include "core/shape.h"

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <type_traits>

namespace atto {

class Tensor {
 public:
  // An empty 1-D tensor of shape (0).
  Tensor();

  // A tensor of the given shape whose elements are not initialised: for
  // kernels that write every element before reading any. A shape too large
  // to count or to allocate throws an error naming `op`: an op passes its
  // own name, since the user called it, not Tensor.
  [[nodiscard]] static Tensor empty(const Shape& shape, std::string_view op = "Tensor");

  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  Index numel() const { return numel_; }
  [[nodiscard]] Index dim(int axis) const;  // negative axes count from the end

  Real* data() { return storage_.get(); }
  const Real* data() const { return storage_.get(); }

  // The writes announced to this storage so far, shared by every view of it
  // (0 for a tensor without elements).
  [[nodiscard]] std::uint64_t version() const;
  // Announces a write in place (bumps version()).
  void note_write() {
    if (version_) version_->fetch_add(1, std::memory_order_relaxed);
  }

  // The single element of a tensor with numel() == 1.
  [[nodiscard]] Real item() const;

  // Bounds-checked element access: t.at({i, j}).
  Real& at(std::initializer_list<Index> index);
  [[nodiscard]] Real at(std::initializer_list<Index> index) const;

  [[nodiscard]] Tensor clone() const;

  // A view of the same storage with another shape of the same size. One
  // dimension may be -1, meaning "whatever makes the sizes agree".
  [[nodiscard]] Tensor reshape(std::initializer_list<Index> dims) const;
  [[nodiscard]] Tensor reshape(const Shape& shape) const;

  bool shares_storage_with(const Tensor& other) const { return storage_ == other.storage_; }

  void fill(Real value);

 private:
  using VersionCounter = std::atomic<std::uint64_t>;
  Tensor(const Shape& shape, std::shared_ptr<Real[]> storage, std::shared_ptr<VersionCounter> version);
  [[nodiscard]] Index flat_index(std::string_view op, std::initializer_list<Index> index) const;

  Shape shape_;
  Index numel_ = 0;
  std::shared_ptr<Real[]> storage_;
  std::shared_ptr<VersionCounter> version_;  // null when there is no storage
};

// The default Tensor(), of shape (0): what an optional tensor argument (a
// mask, a bias) takes for "none". Any other shape, empty or not, is a tensor
// given, and checked like any other.
[[nodiscard]] inline bool is_unset(const Tensor& t) { return t.rank() == 1 && t.numel() == 0; }

// Creation.
[[nodiscard]] Tensor zeros(const Shape& shape);
[[nodiscard]] Tensor ones(const Shape& shape);
[[nodiscard]] Tensor full(const Shape& shape, Real value);
[[nodiscard]] Tensor zeros_like(const Tensor& t);
[[nodiscard]] Tensor ones_like(const Tensor& t);
[[nodiscard]] Tensor scalar(Real value);  // rank 0

// [start, stop) in steps of `step`, like numpy.arange.
[[nodiscard]] Tensor arange(Real stop);
[[nodiscard]] Tensor arange(Real start, Real stop, Real step = 1);

// From nested braces, like torch.tensor: tensor({{1, 2}, {3, 4}}) is (2,2).
//
// NestedList is either one number or a braced list of NestedLists. C++ reads
// braces with an initializer-list constructor first, so {x} is always a
// one-element list: tensor({{1}, {2}}) is (2,1), and tensor(5) is a scalar.
// It only borrows the braces' elements, so it lives as a parameter and no longer.
class NestedList {
 public:
  NestedList() = default;  // {}: an empty list
  NestedList(std::initializer_list<NestedList> items) : items_(items), is_list_(true) {}
  template <class T>
    requires std::is_arithmetic_v<T>
  NestedList(T value) : value_(static_cast<Real>(value)), is_list_(false) {}

  bool is_list() const { return is_list_; }
  Real value() const { return value_; }
  const std::initializer_list<NestedList>& items() const { return items_; }

 private:
  std::initializer_list<NestedList> items_;
  Real value_ = 0;
  bool is_list_ = true;
};

[[nodiscard]] Tensor tensor(const NestedList& values);

}  // namespace atto
