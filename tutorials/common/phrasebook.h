// A small English -> French phrasebook, written for attograd: greetings,
// "i am tired", "where is the station ?", "i like coffee" and their
// combinations, a few hundred pairs in all. Words and punctuation are
// separated by spaces, so a word-level Vocabulary splits them.
//
// It is built from short lists (greetings, people, adjectives with their
// feminine and plural forms, nouns with their articles) so the grammar is
// right by construction: "she is tired" -> "elle est fatiguée".
#pragma once

#include "tutorials/common/translation.h"

#include <vector>

namespace atto::tutorial {

// Every pair, in a fixed order (no randomness).
std::vector<Translation> phrasebook();

// The phrasebook cut in two: about one pair in six held out, only where
// every word of it, English and French, still appears in the training pairs
// (a held-out pair asks for a new combination of known words, such as "she
// likes cheese" after "she likes tea" and "i like cheese").
struct PhrasebookSplits {
  std::vector<Translation> train, held_out;
};
PhrasebookSplits phrasebook_splits();

}  // namespace atto::tutorial
