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

// Threads on a busy machine. When another process holds one of two cores, a
// parallel region waits at every barrier for the thread that shares a core
// with it, and libgomp's spinning waiters make that worse: on 2 cores with
// one busy, a product on 2 threads measured 8x slower than on 1. So gemm,
// whose threads are given equal work, reports how evenly they ran: when a
// region took far longer than its least busy thread worked, twice in a row,
// kernels run on one thread for the next kBusyBackoffSeconds and then try
// again. Results do not change: no kernel's bits depend on its thread count.
inline constexpr double kBusyBackoffSeconds = 0.25;
int region_threads();  // num_threads(), or 1 while backing off
void report_region_balance(double wall_seconds, double least_busy_seconds);

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
  if (region_threads() == 1) {
    for (Index b = 0; b < blocks; ++b) body(b * block, std::min(n, (b + 1) * block));
    return;
  }
#pragma omp parallel for schedule(static)
  for (Index b = 0; b < blocks; ++b) {
    body(b * block, std::min(n, (b + 1) * block));
  }
}

}  // namespace atto
