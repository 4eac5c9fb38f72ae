// parallel_for: the one place where core kernels meet OpenMP.
//
// Two rules make every kernel deterministic and cheap:
//  * Work below a grain size runs serially, with no parallel region at all:
//    starting one costs about a microsecond, more than a small op itself.
//  * The range is cut into fixed blocks that depend only on its length, never
//    on the thread count. A kernel that combines per-block partials in block
//    order therefore gives bitwise-identical results on 1 or N threads.
#pragma once

#include "core/real.h"

#include <algorithm>

namespace atto {

// Below this many elements of work a kernel stays serial.
inline constexpr Index kParallelGrain = 32768;

void set_num_threads(int threads);  // OpenMP threads used by every kernel
int num_threads();

// Calls body(begin, end) on consecutive blocks of [0, n). `cost_per_item`
// scales the grain for items that are more expensive than one element.
template <class Body>
void parallel_for(Index n, Index cost_per_item, Body&& body) {
  const Index work = n * std::max<Index>(cost_per_item, 1);
  if (work < kParallelGrain) {
    if (n > 0) body(Index{0}, n);
    return;
  }
  const Index block = std::max<Index>(1, kParallelGrain / std::max<Index>(cost_per_item, 1));
  const Index blocks = (n + block - 1) / block;
  if (num_threads() == 1) {
    for (Index b = 0; b < blocks; ++b) body(b * block, std::min(n, (b + 1) * block));
    return;
  }
#pragma omp parallel for schedule(static)
  for (Index b = 0; b < blocks; ++b) {
    body(b * block, std::min(n, (b + 1) * block));
  }
}

}  // namespace atto
