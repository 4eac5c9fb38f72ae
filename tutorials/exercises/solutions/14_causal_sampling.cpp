// A solution to exercise 14 (look only when stuck).
#include "tutorials/exercises/14_causal_sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace atto::exercise {

Tensor causal_mask(Index steps) {
  Tensor mask = zeros({steps, steps});
  for (Index i = 0; i < steps; ++i)
    for (Index j = 0; j <= i; ++j) mask.at({i, j}) = 1;
  return mask;
}

Var causal_attention(const Var& query, const Var& key, const Var& value) {
  const Index steps = query.dim(-2), width = query.dim(-1);
  const Var scores = matmul(query, key, Transpose::b) * (1 / std::sqrt(static_cast<Real>(width)));
  // masked_fill fills where its mask is 1: the future, where causal_mask is 0.
  const Tensor future = Real(1) - causal_mask(steps);
  const Var masked = masked_fill(scores, future, -std::numeric_limits<Real>::infinity());
  return matmul(softmax(masked), value);
}

std::vector<double> next_token_distribution(const Tensor& logits, double temperature, Index top_k) {
  if (!(temperature > 0)) throw std::invalid_argument("the temperature must be above 0");
  const Index count = logits.numel();
  std::vector<Index> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](Index a, Index b) { return logits.data()[a] > logits.data()[b]; });
  const Index kept = top_k == 0 ? count : std::min(top_k, count);
  const double top = logits.data()[order[0]] / temperature;
  std::vector<double> probabilities(static_cast<std::size_t>(count), 0.0);
  double total = 0;
  for (Index r = 0; r < kept; ++r) {
    const Index token = order[static_cast<std::size_t>(r)];
    total += probabilities[static_cast<std::size_t>(token)] = std::exp(logits.data()[token] / temperature - top);
  }
  for (double& p : probabilities) p /= total;
  return probabilities;
}

Index sample_token(const std::vector<double>& probabilities, double u) {
  double cumulative = 0;
  Index last = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (probabilities[i] == 0) continue;
    cumulative += probabilities[i];
    last = static_cast<Index>(i);
    if (cumulative > u) return last;
  }
  return last;  // rounding left the sum a hair under u: the last possible token
}

}  // namespace atto::exercise
