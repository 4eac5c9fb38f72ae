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
#include <type_traits>

namespace atto {

// Below this many elements of work a kernel stays serial.
inline constexpr Index kParallelGrain = 32768;

// OpenMP threads used by every kernel, 1 to kMaxThreads (more would only
// exhaust the runtime's stacks). Like omp_set_num_threads it applies to the
// calling thread and the threads it starts later.
inline constexpr int kMaxThreads = 1024;
void set_num_threads(int threads);
[[nodiscard]] int num_threads();

// Threads on a busy machine. When another process holds one of two cores, a
// parallel region waits at its end for the thread that shares a core with
// it, and libgomp's spinning waiters make that worse: on 2 cores with one
// busy, a product on 2 threads measured 8x slower than on 1. So every
// parallel region (gemm's and parallel_for's) times each thread's work and
// reports it: when a region took 1.5x longer than its threads' work at the
// fastest thread's pace needed, twice in a row, kernels run on one thread for
// the next kBusyBackoffSeconds and then try again. Results do not change: no
// kernel's bits depend on its thread count.
inline constexpr double kBusyBackoffSeconds = 0.25;

// Calls body(context, begin, end) on the blocks [b * block, (b + 1) * block)
// of [0, n), spread over the threads. parallel_for's out-of-line half: the
// OpenMP region and its timing live in parallel.cpp.
using BlockBody = void (*)(void* context, Index begin, Index end);
void run_blocks(Index n, Index block, void* context, BlockBody body);

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
  using Callable = std::remove_reference_t<Body>;
  run_blocks(n, block, const_cast<void*>(static_cast<const void*>(&body)), [](void* context, Index begin, Index end) {
    (*static_cast<Callable*>(context))(begin, end);
  });
}

}  // namespace atto
