// Reading numbers back from a recorded timeline (autograd/timeline.h), for
// the checks tutorial 14 makes of its training.
#pragma once

#include "autograd/timeline.h"

#include <string_view>

namespace atto::tutorial {

// A snapshot's scalar by name; NaN when it holds none of that name.
[[nodiscard]] double scalar(const Snapshot& snapshot, std::string_view name);

// The scalar of the last snapshot before `step`; NaN when none has it.
[[nodiscard]] double scalar_before(const Timeline& timeline, Index step, std::string_view name);

// The median over a snapshot's weight matrices (parameters named
// "...kernel") of log10(update / parameter). Biases and norms' shifts
// start at zero, where the ratio says nothing. NaN without a kernel.
[[nodiscard]] double median_log10_kernel_update(const Snapshot& snapshot);

}  // namespace atto::tutorial
