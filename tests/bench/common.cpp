#include "tests/bench/common.h"

#include <fmt/format.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

// Heap accounting for the memory columns: every allocation through operator
// new is counted, so "peak" is the most live heap memory during a workload.
namespace heap {
std::atomic<long long> live{0}, peak{0};
void note(long long delta) {
  const long long now = live.fetch_add(delta) + delta;
  long long seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
}
}  // namespace heap

void* operator new(std::size_t size) {
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  heap::note(static_cast<long long>(malloc_usable_size(p)));
  return p;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  heap::note(-static_cast<long long>(malloc_usable_size(p)));
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace bench {

bool selected(const Options& options, const std::string& name) {
  return options.only.empty() || name.find(options.only) != std::string::npos;
}

Timing measure(int reps, const std::function<void()>& fn) {
  for (int i = 0; i < 2; ++i) fn();
  std::vector<double> seconds;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), seconds.back()};
}

double peak_heap_mb(const std::function<void()>& fn) {
  atto::release_cached_storage();  // blocks cached by earlier runs would hide this run's allocations
  heap::peak = heap::live.load();
  const long long before = heap::live.load();
  fn();
  return static_cast<double>(heap::peak.load() - before) / (1 << 20);
}

namespace {
bool peers_enabled = true;
}  // namespace

void enable_peers(bool enabled) { peers_enabled = enabled; }

bool run_torch_peer(const std::string& workload, int threads, int reps, PeerResult& out) {
  if (!peers_enabled) return false;
  const std::string command = fmt::format("/usr/bin/python3 {} {} {} {} 2>/dev/null", ATTO_BENCH_PEER_SCRIPT, workload,
                                          threads, reps);
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return false;
  const int read = std::fscanf(pipe, "%lf %lf %lf %lf", &out.median_ms, &out.low_ms, &out.high_ms, &out.peak_mb);
  return pclose(pipe) == 0 && read == 4;
}

void say_torch_missing() {
  fmt::print("PyTorch: not run ({})\n",
             peers_enabled ? "/usr/bin/python3 with python3-torch not available" : "--no-peers");
}

void print_header() {
  fmt::print("{:<28} {:>10} {:>19} {:>16}\n", "implementation", "median ms", "[spread ms]", "peak memory MB");
}

void print_row(const std::string& name, double median_ms, double low_ms, double high_ms, double peak_mb) {
  fmt::print("{:<28} {:>10.3f} {:>19} {:>16.1f}\n", name, median_ms, fmt::format("[{:.3f}-{:.3f}]", low_ms, high_ms),
             peak_mb);
}

double measure_and_print(const std::string& name, int reps, const std::function<void()>& step) {
  const Timing t = measure(reps, step);
  print_row(name, t.median * 1e3, t.low * 1e3, t.high * 1e3, peak_heap_mb(step));
  return t.median * 1e3;
}

double measure_fused_and_composed(int reps, const std::function<void(bool fused)>& step) {
  const double fused_ms = measure_and_print("attograd fused", reps, [&] { step(true); });
  measure_and_print("attograd composed", reps, [&] { step(false); });
  return fused_ms;
}

std::string target_text(double target) { return target > 0 ? fmt::format(" (target <= {}x)", target) : ""; }

void compare_with_torch(const std::string& workload, const std::string& name, int threads, int reps, double ours_ms,
                        double target, const std::string& ours) {
  PeerResult torch;
  if (!run_torch_peer(workload, threads, reps, torch)) return say_torch_missing();
  print_row(name, torch.median_ms, torch.low_ms, torch.high_ms, torch.peak_mb);
  fmt::print("{} / PyTorch time: {:.2f}x{}\n", ours, ours_ms / torch.median_ms, target_text(target));
}

}  // namespace bench
