#include "core/parallel.h"

#include "core/cpu_budget.h"
#include "core/errors.h"
#include "core/machine_readings.h"

#include <atomic>
#include <chrono>

#include <omp.h>

#ifdef __linux__
#include <time.h>
#include <unistd.h>
#else
#include <thread>
#endif

namespace atto {

namespace {

std::atomic<bool> yield_to_others{true};

#ifdef __linux__

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Two readings of the machine compared over a window: busy time of the CPUs
// this process may use, and this process's own CPU time (its spinning
// OpenMP workers included), whose difference is other programs' use.
struct LoadSample {
  double wall = 0, own_cpu = 0;
  std::optional<unsigned long long> busy_ticks;  // nullopt: no /proc/stat
  std::vector<bool> allowed;
};

std::atomic<int> cap{1 << 20};          // cpu_budget::thread_cap at the last sample
std::atomic<int> idle_cores{1 << 20};   // cpu_budget::idle_cores at the last usable window
std::atomic<double> next_sample_at{0.0};  // wall_seconds()
std::atomic<bool> sampling{false};
LoadSample last_sample;  // touched only by the thread holding `sampling`

void sample_load() {
  LoadSample now{wall_seconds(), process_cpu_seconds(), std::nullopt, machine::affinity()};
  now.busy_ticks = cpu_budget::busy_ticks(machine::read_text("/proc/stat"), now.allowed);
  const int allowed = static_cast<int>(std::count(now.allowed.begin(), now.allowed.end(), true));
  cap.store(cpu_budget::thread_cap(allowed, machine::cgroup_quota()), std::memory_order_relaxed);
  if (!now.busy_ticks) {
    idle_cores.store(allowed, std::memory_order_relaxed);  // no /proc/stat: every allowed core counts as idle
  } else if (last_sample.busy_ticks && *last_sample.busy_ticks <= *now.busy_ticks &&
             last_sample.allowed == now.allowed && cpu_budget::window_usable(now.wall - last_sample.wall)) {
    static const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double span = now.wall - last_sample.wall;
    const double busy = static_cast<double>(*now.busy_ticks - *last_sample.busy_ticks) / ticks_per_second;
    const double others = (busy - (now.own_cpu - last_sample.own_cpu)) / span;
    idle_cores.store(cpu_budget::idle_cores(allowed, others), std::memory_order_relaxed);
  }
  last_sample = std::move(now);
}

// At most once every kMinWindowSeconds, the first region to ask samples;
// the others use the last estimate.
int machine_threads() {
  const double now = wall_seconds();
  if (now >= next_sample_at.load(std::memory_order_relaxed) && !sampling.exchange(true, std::memory_order_acquire)) {
    next_sample_at.store(now + cpu_budget::kMinWindowSeconds, std::memory_order_relaxed);
    sample_load();
    sampling.store(false, std::memory_order_release);
  }
  return std::min(cap.load(std::memory_order_relaxed), idle_cores.load(std::memory_order_relaxed));
}

#else

// Without Linux's /proc and cgroups: the cores the standard library
// reports, none of them taken for busy.
int machine_threads() { return std::max(1U, std::thread::hardware_concurrency()); }

#endif

}  // namespace

void set_num_threads(int threads) {
  if (threads < 1 || threads > kMaxThreads) {
    throw_argument_error("set_num_threads", "thread count {} is not in [1, {}]", threads, kMaxThreads);
  }
  omp_set_num_threads(threads);
}

int num_threads() { return omp_get_max_threads(); }

void set_yield_to_other_programs(bool enabled) { yield_to_others.store(enabled, std::memory_order_relaxed); }

int region_threads() {
  const int wanted = num_threads();
  if (wanted == 1 || !yield_to_others.load(std::memory_order_relaxed)) return wanted;
  return std::min(wanted, machine_threads());
}

void run_blocks(Index n, Index block, void* context, BlockBody body) {
  const Index blocks = (n + block - 1) / block;
  const int threads = blocks > 1 ? static_cast<int>(std::min<Index>(region_threads(), blocks)) : 1;
  if (threads == 1) {  // no OpenMP at all: even a region of one thread costs a few system calls
    for (Index b = 0; b < blocks; ++b) body(context, b * block, std::min(n, (b + 1) * block));
    return;
  }
  // Blocks are claimed one at a time: a thread slowed down for a moment takes
  // fewer of them instead of holding the others up at the end.
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (Index b = 0; b < blocks; ++b) body(context, b * block, std::min(n, (b + 1) * block));
}

}  // namespace atto
