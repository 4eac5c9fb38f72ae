// The counted baselines tutorial 14's GPT must beat: every character's
// frequency (unigram) and every pair's (bigram), smoothed by adding k to
// each count, scored in bits per character on held-out text.
#pragma once

#include "core/real.h"

#include <vector>

namespace atto::tutorial {

// Bits per character of a model that gives every character the same
// probabilities next, whatever came before: counts + k, normalised.
[[nodiscard]] double unigram_bits(const std::vector<Index>& train, const std::vector<Index>& held_out, Index vocab,
                                  double k);

// The same from the one character before: counts of pairs + k.
[[nodiscard]] double bigram_bits(const std::vector<Index>& train, const std::vector<Index>& held_out, Index vocab,
                                 double k);

}  // namespace atto::tutorial
