// Data helpers: scaling fitted on training data (the article's section
// 3.1.1), seeded mini-batches, and a train/validation split. Features are
// rows of a (N, F) tensor.
#pragma once

#include "core/random.h"

#include <vector>

namespace atto {

// Per-feature affine scaling x -> (x - offset) / scale, with offset and
// scale fitted on training data and then applied to any data.
class FeatureScaler {
 public:
  [[nodiscard]] Tensor transform(const Tensor& x) const;
  [[nodiscard]] Tensor inverse_transform(const Tensor& x) const;

 protected:
  explicit FeatureScaler(const char* name) : name_(name) {}
  // Sets offset and scale; a feature with scale 0 (constant) gets scale 1.
  void set(const Tensor& offset, const Tensor& scale);
  static void check_fit_input(const char* op, const Tensor& x);

 private:
  void check(const char* method, const Tensor& x) const;

  const char* name_;
  Tensor offset_, scale_;
};

// Offset the mean, scale the standard deviation: features with mean 0 and
// variance 1 on the fitted data. A constant feature is only centred.
class Standardizer : public FeatureScaler {
 public:
  Standardizer() : FeatureScaler("Standardizer") {}
  void fit(const Tensor& x);
};

// Offset the minimum, scale the range: features in [0, 1] on the fitted data.
class MinMaxScaler : public FeatureScaler {
 public:
  MinMaxScaler() : FeatureScaler("MinMaxScaler") {}
  void fit(const Tensor& x);
};

// Row indices of each mini-batch of one epoch, in a shuffled order drawn
// from the generator (the same seed gives the same batches). The last batch
// may be smaller unless drop_last.
[[nodiscard]] std::vector<std::vector<Index>> batch_indices(Index rows, Index batch_size, Generator& gen, bool shuffle = true,
                                              bool drop_last = false);

// The rows of x at the given indices (along axis 0).
[[nodiscard]] Tensor take(const Tensor& x, const std::vector<Index>& rows);

// A random split of row indices: (train, validation), validation holding
// round(fraction * rows) of them.
std::pair<std::vector<Index>, std::vector<Index>> train_validation_split(Index rows, Real validation_fraction,
                                                                          Generator& gen);

}  // namespace atto
