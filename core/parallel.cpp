#include "core/parallel.h"

#include "core/errors.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <omp.h>
#include <unistd.h>

namespace atto {

namespace {

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The machine's busy time in seconds, all cores together, from the first
// line of /proc/stat (user, nice, system, idle, iowait, irq, softirq,
// steal, ...); time stolen by a hypervisor is not counted as busy. -1 where
// there is no /proc/stat.
double machine_busy_seconds() {
  std::FILE* file = std::fopen("/proc/stat", "r");
  if (!file) return -1;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  const int read = std::fscanf(file, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle, &iowait,
                               &irq, &softirq);
  std::fclose(file);
  if (read != 7) return -1;
  static const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  return static_cast<double>(user + nice + system + irq + softirq) / ticks_per_second;
}

// Other programs' use of the cores, sampled at most every kSampleSeconds:
// the machine's busy time less this process's own CPU time (its spinning
// OpenMP workers included), over the wall time between two samples.
constexpr double kSampleSeconds = 0.1;

struct LoadSample {
  double wall, machine_busy, own_cpu;
};

std::atomic<int> idle_cores{1 << 20};     // what the last sample found, rounded
std::atomic<double> next_sample_at{0.0};  // wall_seconds()
std::atomic<bool> sampling{false};
std::atomic<bool> yield_to_others{true};
LoadSample last_sample{0, -1, 0};  // touched only by the thread holding `sampling`

void sample_load() {
  const LoadSample now{wall_seconds(), machine_busy_seconds(), process_cpu_seconds()};
  if (now.machine_busy < 0) return;  // no /proc/stat: every core counts as idle
  if (last_sample.machine_busy >= 0 && now.wall > last_sample.wall) {
    const double span = now.wall - last_sample.wall;
    const double others = ((now.machine_busy - last_sample.machine_busy) - (now.own_cpu - last_sample.own_cpu)) / span;
    static const double cores = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
    idle_cores.store(std::max(1, static_cast<int>(std::lround(cores - std::max(0.0, others)))),
                     std::memory_order_relaxed);
  }
  last_sample = now;
}

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
  const double now = wall_seconds();
  if (now >= next_sample_at.load(std::memory_order_relaxed) && !sampling.exchange(true, std::memory_order_acquire)) {
    next_sample_at.store(now + kSampleSeconds, std::memory_order_relaxed);
    sample_load();
    sampling.store(false, std::memory_order_release);
  }
  return std::min(wanted, idle_cores.load(std::memory_order_relaxed));
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
