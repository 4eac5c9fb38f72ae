#include "tutorials/exercises/06_cross_entropy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace atto::exercise {

namespace {

// The rows counted, after checking every target.
Index counted_rows(const Tensor& logits, const Ids& targets, std::optional<Index> ignore_index) {
  if (logits.rank() != 2 || targets.numel() != logits.dim(0)) {
    throw ShapeError(fmt::format("cross_entropy: logits {} and {} targets do not match", logits.shape(),
                                 targets.numel()));
  }
  Index counted = 0;
  for (Index n = 0; n < targets.numel(); ++n) {
    if (targets[n] == ignore_index) continue;
    if (targets[n] < 0 || targets[n] >= logits.dim(1)) {
      throw ArgumentError(fmt::format("cross_entropy: target {} of row {} is not a class of {}", targets[n], n,
                                      logits.dim(1)));
    }
    ++counted;
  }
  return counted;
}

double log_sum_exp(const Real* row, Index classes) {
  const double m = *std::max_element(row, row + classes);
  double total = 0;
  for (Index c = 0; c < classes; ++c) total += std::exp(row[c] - m);
  return m + std::log(total);
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Ids& targets, std::optional<Index> ignore_index) {
  const Index counted = counted_rows(logits, targets, ignore_index), classes = logits.dim(1);
  double total = 0;
  for (Index n = 0; n < targets.numel(); ++n) {
    if (targets[n] == ignore_index) continue;
    const Real* row = logits.data() + n * classes;
    total += log_sum_exp(row, classes) - row[targets[n]];
  }
  return full({}, counted == 0 ? 0 : total / static_cast<double>(counted));
}

Tensor cross_entropy_backward(const Tensor& logits, const Ids& targets, std::optional<Index> ignore_index) {
  const Index counted = counted_rows(logits, targets, ignore_index), classes = logits.dim(1);
  Tensor grad = zeros(logits.shape());
  for (Index n = 0; n < targets.numel(); ++n) {
    if (targets[n] == ignore_index) continue;
    const Real* row = logits.data() + n * classes;
    const double lse = log_sum_exp(row, classes);
    for (Index c = 0; c < classes; ++c) {
      grad.data()[n * classes + c] = (std::exp(row[c] - lse) - (c == targets[n] ? 1 : 0)) / static_cast<double>(counted);
    }
  }
  return grad;
}

}  // namespace atto::exercise
