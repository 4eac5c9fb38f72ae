// The element type of every tensor, chosen once for the whole build.
//
// The library is built twice from the same sources: in float for speed, and in
// double for gradient checks, whose finite differences need the extra digits.
#pragma once

#include <cstdint>

namespace atto {

#ifdef ATTO_REAL_DOUBLE
using Real = double;
#else
using Real = float;
#endif

// Sizes, indices and strides: signed so that `i - 1` never wraps.
using Index = std::int64_t;

}  // namespace atto
