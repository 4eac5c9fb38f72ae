// Data helpers: scaling fitted on training data (the article's section
// 3.1.1), seeded mini-batches, and a train/validation split. Features are
// rows of a (N, F) tensor.
#pragma once

#include "core/random.h"

#include <vector>

namespace atto {

// x -> (x - mean) / std per feature, with mean and std from the fitted data.
// A constant feature (std 0) is only centred.
class Standardizer {
 public:
  void fit(const Tensor& x);
  Tensor transform(const Tensor& x) const;
  Tensor inverse_transform(const Tensor& x) const;

 private:
  void check(const char* op, const Tensor& x) const;
  Tensor mean_, scale_;
};

// x -> (x - min) / (max - min) per feature, into [0, 1] on the fitted data.
class MinMaxScaler {
 public:
  void fit(const Tensor& x);
  Tensor transform(const Tensor& x) const;
  Tensor inverse_transform(const Tensor& x) const;

 private:
  void check(const char* op, const Tensor& x) const;
  Tensor min_, range_;
};

// Row indices of each mini-batch of one epoch, in a shuffled order drawn
// from the generator (the same seed gives the same batches). The last batch
// may be smaller unless drop_last.
std::vector<std::vector<Index>> batch_indices(Index rows, Index batch_size, Generator& gen, bool shuffle = true,
                                              bool drop_last = false);

// The rows of x at the given indices (along axis 0).
Tensor take(const Tensor& x, const std::vector<Index>& rows);

// A random split of row indices: (train, validation), validation holding
// round(fraction * rows) of them.
std::pair<std::vector<Index>, std::vector<Index>> train_validation_split(Index rows, Real validation_fraction,
                                                                          Generator& gen);

}  // namespace atto
