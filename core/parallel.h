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
#include <utility>

namespace atto {

// Below this many elements of work a kernel stays serial.
inline constexpr Index kParallelGrain = 32768;

// OpenMP threads used by every kernel, 1 to kMaxThreads (more would only
// exhaust the runtime's stacks). Like omp_set_num_threads it applies to the
// calling thread and the threads it starts later.
inline constexpr int kMaxThreads = 1024;
void set_num_threads(int threads);
[[nodiscard]] int num_threads();

// Threads on a busy machine. When another program holds one of two cores,
// a region on two threads waits at its end for the thread that shares a core
// with it: measured, a 512^3 product ran 8x slower on 2 threads than on 1.
// So a parallel region takes at most as many threads as
//  * this process may use: the CPUs of its affinity mask (sched_getaffinity),
//    capped by its cgroup's CPU quota rounded up (v2's cpu.max, v1's
//    cpu.cfs_quota_us / cpu.cfs_period_us): 1.5 CPUs of quota, 2 threads;
//  * and of those, other programs leave idle: the busy time of the allowed
//    CPUs in /proc/stat less this process's own CPU time, over the last
//    window. Time a hypervisor steals is not another program's, so it never
//    sends the kernels back to one thread.
// The first region to ask samples, at most every 0.1 s (cpu_budget.h's
// kMinWindowSeconds); the others reuse the last estimate, which also stands
// when the last sample is over a second old (kMaxWindowSeconds): that
// sample becomes the new baseline instead of averaging over a long quiet
// spell. Without /proc (macOS, the BSDs) the limit is
// std::thread::hardware_concurrency() and nothing is sampled. Within a
// region, work is cut into more blocks than threads and each thread claims
// the next block when done (gemm shares out its tiles the same way), so a
// thread slowed down for a moment does less of it. Neither changes a
// result's bits.
[[nodiscard]] int region_threads();  // num_threads(), capped as above
// On by default. Off, every region takes num_threads() whatever else runs
// and whatever the mask and quota allow:
// for tests that must go through the parallel paths on a shared machine.
void set_yield_to_other_programs(bool enabled);

// Calls body(context, begin, end) on the blocks [b * block, (b + 1) * block)
// of [0, n), spread over the threads: parallel_blocks' out-of-line half (the
// OpenMP region lives in parallel.cpp).
using BlockBody = void (*)(void* context, Index begin, Index end);
void run_blocks(Index n, Index block, void* context, BlockBody body);

// Calls body(begin, end) on [0, n) cut into blocks of `block` items (the
// last may be shorter), spread over the threads. For callers that choose the
// block themselves: a recurrent layer's batch rows, which never meet, each
// block running through every time step on its own.
template <class Body>
void parallel_blocks(Index n, Index block, Body&& body) {
  using Callable = std::remove_reference_t<Body>;
  run_blocks(n, std::max<Index>(block, 1), const_cast<void*>(static_cast<const void*>(&body)),
             [](void* context, Index begin, Index end) { (*static_cast<Callable*>(context))(begin, end); });
}

// Copies (slice, concat, split) move memory and do no arithmetic: a second
// thread pays off only when there is far more of it. Measured on a 2-core
// machine, unslicing 82k elements took 12 us on one thread and 37-53 us on
// two; at 819k the two were even, at 8M two threads were 1.4-1.9x faster.
inline constexpr Index kParallelCopyGrain = Index{1} << 19;

// Calls body(begin, end) on consecutive blocks of the items [0, n), each
// item `elements_per_item` elements to copy: parallel_for's rule with the
// copy grain.
template <class Body>
void parallel_copy_for(Index n, Index elements_per_item, Body&& body) {
  const Index per_item = std::max<Index>(elements_per_item, 1);
  if (n * per_item < kParallelCopyGrain) {
    if (n > 0) body(Index{0}, n);
    return;
  }
  parallel_blocks(n, std::max<Index>(kParallelCopyGrain / per_item, 1), std::forward<Body>(body));
}

// Calls body(begin, end) on consecutive blocks of [0, n). `cost_per_item`
// scales the grain for items that are more expensive than one element.
template <class Body>
void parallel_for(Index n, Index cost_per_item, Body&& body) {
  const Index work = n * std::max<Index>(cost_per_item, 1);
  if (work < kParallelGrain) {
    if (n > 0) body(Index{0}, n);
    return;
  }
  parallel_blocks(n, kParallelGrain / std::max<Index>(cost_per_item, 1), std::forward<Body>(body));
}

}  // namespace atto
