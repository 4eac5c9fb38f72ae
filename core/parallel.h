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
#include <vector>

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
namespace detail {
[[nodiscard]] int region_threads();  // num_threads(), or 1 while backing off
// `wall_seconds`: the region, start to end; `ideal_seconds`: how long it would
// have taken had every thread worked at the fastest one's pace.
void report_region_balance(double wall_seconds, double ideal_seconds);
[[nodiscard]] double wall_seconds();  // a monotonic clock for the reports (omp_get_wtime)
[[nodiscard]] int thread_index();     // this thread's number within its region (omp_get_thread_num)
}  // namespace detail

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
  const int threads = detail::region_threads();
  if (threads == 1) {
    for (Index b = 0; b < blocks; ++b) body(b * block, std::min(n, (b + 1) * block));
    return;
  }
  // Each thread's time per block, to tell an idle machine from a busy one.
  std::vector<double> seconds_per_block(static_cast<std::size_t>(threads), 0.0);
  const double start = detail::wall_seconds();
#pragma omp parallel num_threads(threads)
  {
    double busy = 0;
    Index done = 0;
#pragma omp for schedule(static) nowait
    for (Index b = 0; b < blocks; ++b) {
      const double block_start = detail::wall_seconds();
      body(b * block, std::min(n, (b + 1) * block));
      busy += detail::wall_seconds() - block_start;
      ++done;
    }
    seconds_per_block[static_cast<std::size_t>(detail::thread_index())] = done > 0 ? busy / done : 1e300;
  }
  const double fastest = *std::min_element(seconds_per_block.begin(), seconds_per_block.end());
  detail::report_region_balance(detail::wall_seconds() - start, fastest * static_cast<double>((blocks + threads - 1) / threads));
}

}  // namespace atto
