// Ids: whole-number token ids or class indices, with a shape.
//
// Ids usually travel in Real tensors, which is convenient (a batch is one
// more tensor) but inexact at scale: a float holds every whole number only
// up to 2^24 = 16,777,216, and above that neighbouring ids round together.
// The ops that read ids (take_rows and Embedding, the cross-entropies,
// padding_mask) accept Ids as well, which hold them as Index, exactly, at
// any vocabulary size.
//
//   Ids ids({2, 3}, {5, 7, 20000001, 0, 0, 1});
//   Var vectors = embedding(ids);            // (2, 3, output_dim)
#pragma once

#include "core/real.h"
#include "core/shape.h"
#include "core/tensor.h"

#include <vector>

namespace atto {

class Ids {
 public:
  // `values` in row-major order, shape.numel() of them (else ShapeError).
  Ids(const Shape& shape, std::vector<Index> values);
  // One dimension.
  explicit Ids(std::vector<Index> values);
  // The ids a tensor holds, of its shape: every element must be a whole
  // number that this build's Real holds exactly (below 2^24 in float), else
  // ArgumentError naming the first that is not.
  [[nodiscard]] static Ids from_tensor(const Tensor& ids);

  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  Index numel() const { return static_cast<Index>(values_.size()); }
  const std::vector<Index>& values() const { return values_; }
  Index operator[](Index i) const { return values_[static_cast<std::size_t>(i)]; }

  // The same ids as one dimension.
  [[nodiscard]] Ids flattened() const { return Ids(values_); }

 private:
  Shape shape_;
  std::vector<Index> values_;
};

}  // namespace atto
