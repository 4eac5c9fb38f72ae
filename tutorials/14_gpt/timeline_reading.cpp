#include "tutorials/14_gpt/timeline_reading.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace atto::tutorial {

double scalar(const Snapshot& snapshot, std::string_view name) {
  for (const auto& [key, value] : snapshot.scalars) {
    if (key == name) return value;
  }
  return std::nan("");
}

double scalar_before(const Timeline& timeline, Index step, std::string_view name) {
  double found = std::nan("");
  for (const Snapshot& snapshot : timeline.snapshots()) {
    if (snapshot.step >= step) break;
    if (const double value = scalar(snapshot, name); !std::isnan(value)) found = value;
  }
  return found;
}

double median_log10_kernel_update(const Snapshot& snapshot) {
  std::vector<double> ratios;
  for (const ParameterStep& parameter : snapshot.parameters) {
    if (parameter.name.ends_with("kernel")) ratios.push_back(std::log10(parameter.update_ratio));
  }
  if (ratios.empty()) return std::nan("");
  std::sort(ratios.begin(), ratios.end());
  const std::size_t middle = ratios.size() / 2;
  return ratios.size() % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
}

}  // namespace atto::tutorial
