#include "nn/data.h"

#include "core/elementwise.h"
#include "core/errors.h"
#include "core/map.h"
#include "core/reduce.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace atto {

namespace {

// A Fisher-Yates shuffle of 0..n-1 driven by the counter-based generator.
std::vector<Index> permutation(Index n, Generator& gen) {
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), Index{0});
  for (Index i = n - 1; i > 0; --i) std::swap(order[i], order[gen.randint(i + 1)]);
  return order;
}

}  // namespace

void FeatureScaler::check_fit_input(const char* op, const Tensor& x) {
  if (x.rank() != 2 || x.shape()[0] == 0) {
    throw_shape_error(op, "needs a non-empty (rows, features) tensor, got {}", x.shape());
  }
}

void FeatureScaler::set(const Tensor& offset, const Tensor& scale) {
  offset_ = offset;
  scale_ = map(scale, [](Real v) { return v > 0 ? v : Real(1); });
}

void FeatureScaler::check(const char* method, const Tensor& x) const {
  const std::string op = std::string(name_) + "." + method;
  if (offset_.numel() == 0) throw_argument_error(op, "call fit() first");
  if (x.rank() != 2 || x.shape()[1] != offset_.shape()[1]) {
    throw_shape_error(op, "fitted on {} features, got {}", offset_.shape()[1], x.shape());
  }
}

Tensor FeatureScaler::transform(const Tensor& x) const {
  check("transform", x);
  return (x - offset_) / scale_;
}

Tensor FeatureScaler::inverse_transform(const Tensor& x) const {
  check("inverse_transform", x);
  return x * scale_ + offset_;
}

void Standardizer::fit(const Tensor& x) {
  check_fit_input("Standardizer.fit", x);
  const Tensor centre = mean(x, 0, true);
  set(centre, sqrt(mean(pow(x - centre, 2), 0, true)));
}

void MinMaxScaler::fit(const Tensor& x) {
  check_fit_input("MinMaxScaler.fit", x);
  const Tensor low = -max(-x, 0, true);
  set(low, max(x, 0, true) - low);
}

std::vector<std::vector<Index>> batch_indices(Index rows, Index batch_size, Generator& gen, bool shuffle,
                                              bool drop_last) {
  if (batch_size < 1) throw_argument_error("batch_indices", "batch size {} must be >= 1", batch_size);
  if (rows < 0) throw_argument_error("batch_indices", "row count {} must be >= 0", rows);
  std::vector<Index> order(rows);
  std::iota(order.begin(), order.end(), Index{0});
  if (shuffle) order = permutation(rows, gen);
  std::vector<std::vector<Index>> batches;
  for (Index start = 0; start < rows; start += batch_size) {
    const Index end = std::min(rows, start + batch_size);
    if (drop_last && end - start < batch_size) break;
    batches.emplace_back(order.begin() + start, order.begin() + end);
  }
  return batches;
}

Tensor take(const Tensor& x, const std::vector<Index>& rows) {
  if (x.rank() < 1) throw_shape_error("take", "needs at least one axis, got {}", x.shape());
  const Index row_size = x.numel() / std::max<Index>(x.shape()[0], 1);
  Tensor out = Tensor::empty(x.shape().with_axis(0, static_cast<Index>(rows.size())));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || rows[i] >= x.shape()[0]) {
      throw_shape_error("take", "row {} is out of range for {}", rows[i], x.shape());
    }
    std::copy_n(x.data() + rows[i] * row_size, row_size, out.data() + i * row_size);
  }
  return out;
}

std::pair<std::vector<Index>, std::vector<Index>> train_validation_split(Index rows, Real validation_fraction,
                                                                          Generator& gen) {
  if (!(validation_fraction >= 0 && validation_fraction < 1)) {
    throw_argument_error("train_validation_split", "fraction {} is not in [0, 1)", validation_fraction);
  }
  if (rows < 0) throw_argument_error("train_validation_split", "row count {} must be >= 0", rows);
  const std::vector<Index> order = permutation(rows, gen);
  const auto validation = static_cast<Index>(std::lround(validation_fraction * static_cast<Real>(rows)));
  return {std::vector<Index>(order.begin() + validation, order.end()),
          std::vector<Index>(order.begin(), order.begin() + validation)};
}

}  // namespace atto
