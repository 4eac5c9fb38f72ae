#include "core/parallel.h"

#include "core/errors.h"
#include "core/region_timing.h"

#include <atomic>
#include <chrono>
#include <vector>

#include <omp.h>

namespace atto {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int> uneven_regions{0};
std::atomic<Clock::rep> serial_until{0};  // Clock ticks

}  // namespace

void set_num_threads(int threads) {
  if (threads < 1 || threads > kMaxThreads) {
    throw_argument_error("set_num_threads", "thread count {} is not in [1, {}]", threads, kMaxThreads);
  }
  omp_set_num_threads(threads);
}

int num_threads() { return omp_get_max_threads(); }

int region_threads() {
  const int threads = num_threads();
  if (threads == 1) return 1;
  return Clock::now().time_since_epoch().count() < serial_until.load(std::memory_order_relaxed) ? 1 : threads;
}

double wall_seconds() { return omp_get_wtime(); }
int thread_index() { return omp_get_thread_num(); }

// A region whose wall time is 1.5x its ideal lost a third of itself waiting;
// an idle machine shows ratios near 1. Regions under 200 microseconds are not
// judged: waking the threads (a few microseconds) is a visible share of them
// even on an idle machine.
void report_region_balance(double wall_seconds, double ideal_seconds) {
  if (wall_seconds < 200e-6) return;
  if (wall_seconds <= 1.5 * ideal_seconds) {
    uneven_regions.store(0, std::memory_order_relaxed);
    return;
  }
  if (uneven_regions.fetch_add(1, std::memory_order_relaxed) + 1 < 2) return;
  uneven_regions.store(0, std::memory_order_relaxed);
  const auto backoff = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kBusyBackoffSeconds));
  serial_until.store((Clock::now() + backoff).time_since_epoch().count(), std::memory_order_relaxed);
}

void run_blocks(Index n, Index block, void* context, BlockBody body) {
  const Index blocks = (n + block - 1) / block;
  const int threads = region_threads();
  if (threads == 1) {
    for (Index b = 0; b < blocks; ++b) body(context, b * block, std::min(n, (b + 1) * block));
    return;
  }
  // Each thread's time per block, to tell an idle machine from a busy one.
  std::vector<double> seconds_per_block(static_cast<std::size_t>(threads), 0.0);
  const double start = wall_seconds();
#pragma omp parallel num_threads(threads)
  {
    double busy = 0;
    Index done = 0;
#pragma omp for schedule(static) nowait
    for (Index b = 0; b < blocks; ++b) {
      const double block_start = wall_seconds();
      body(context, b * block, std::min(n, (b + 1) * block));
      busy += wall_seconds() - block_start;
      ++done;
    }
    seconds_per_block[static_cast<std::size_t>(thread_index())] = done > 0 ? busy / done : 1e300;
  }
  const double fastest = *std::min_element(seconds_per_block.begin(), seconds_per_block.end());
  report_region_balance(wall_seconds() - start, fastest * static_cast<double>((blocks + threads - 1) / threads));
}

}  // namespace atto
