// A source text and its translation: one example of the tutorials'
// translation tasks (dates, the phrasebook).
#pragma once

#include <string>
#include <vector>

namespace atto::tutorial {

struct Translation {
  std::string source, target;
};

std::vector<std::string> sources_of(const std::vector<Translation>& pairs);
std::vector<std::string> targets_of(const std::vector<Translation>& pairs);

}  // namespace atto::tutorial
