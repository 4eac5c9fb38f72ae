#include "tutorials/common/translation.h"

namespace atto::tutorial {

std::vector<std::string> sources_of(const std::vector<Translation>& pairs) {
  std::vector<std::string> sources;
  for (const Translation& pair : pairs) sources.push_back(pair.source);
  return sources;
}

std::vector<std::string> targets_of(const std::vector<Translation>& pairs) {
  std::vector<std::string> targets;
  for (const Translation& pair : pairs) targets.push_back(pair.target);
  return targets;
}

}  // namespace atto::tutorial
