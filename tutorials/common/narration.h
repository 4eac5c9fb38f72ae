// Small helpers the tutorials share for telling their story on the terminal.
#pragma once

#include "core/core.h"

#include <fmt/format.h>

namespace atto::tutorial {

// A numbered part of a tutorial: "--- 2. Broadcasting ---".
inline void section(const char* title) { fmt::print("\n--- {} ---\n\n", title); }

// The largest |a - b| over all elements: how far two computations of the same thing disagree.
inline Real largest_difference(const Tensor& a, const Tensor& b) { return max(abs(a - b)).item(); }

}  // namespace atto::tutorial
