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

}  // namespace atto::tutorial
