#include "tutorials/14_gpt/counts.h"

#include <cmath>

namespace atto::tutorial {

double unigram_bits(const std::vector<Index>& train, const std::vector<Index>& held_out, Index vocab, double k) {
  std::vector<double> counts(static_cast<std::size_t>(vocab), k);
  for (Index id : train) counts[static_cast<std::size_t>(id)] += 1;
  const double total = static_cast<double>(train.size()) + k * static_cast<double>(vocab);
  double bits = 0;
  for (std::size_t i = 1; i < held_out.size(); ++i) bits -= std::log2(counts[static_cast<std::size_t>(held_out[i])] / total);
  return bits / static_cast<double>(held_out.size() - 1);
}

double bigram_bits(const std::vector<Index>& train, const std::vector<Index>& held_out, Index vocab, double k) {
  const auto v = static_cast<std::size_t>(vocab);
  std::vector<double> pairs(v * v, k), rows(v, k * static_cast<double>(vocab));
  for (std::size_t i = 1; i < train.size(); ++i) {
    pairs[static_cast<std::size_t>(train[i - 1]) * v + static_cast<std::size_t>(train[i])] += 1;
    rows[static_cast<std::size_t>(train[i - 1])] += 1;
  }
  double bits = 0;
  for (std::size_t i = 1; i < held_out.size(); ++i) {
    const auto previous = static_cast<std::size_t>(held_out[i - 1]);
    bits -= std::log2(pairs[previous * v + static_cast<std::size_t>(held_out[i])] / rows[previous]);
  }
  return bits / static_cast<double>(held_out.size() - 1);
}

}  // namespace atto::tutorial
