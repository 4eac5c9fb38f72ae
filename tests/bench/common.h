// What every benchmark shares: timing with medians, heap accounting for the
// memory column, the PyTorch peer, and the table rows.
#pragma once

#include "core/core.h"

#include <functional>
#include <string>

namespace bench {

using atto::Index;
using atto::Real;

struct Options {
  std::string only;  // run the workloads whose names contain this
  int reps = 15;
  bool peers = true;  // false: time attograd alone (for profiling)
};
bool selected(const Options& options, const std::string& name);

struct Timing {
  double median = 0, low = 0, high = 0;  // seconds
};
// Runs `fn` twice to warm caches and thread pools, then `reps` timed runs.
Timing measure(int reps, const std::function<void()>& fn);

// The most live heap memory, in MB, while `fn` runs once (operator new is
// counted; see common.cpp).
double peak_heap_mb(const std::function<void()>& fn);

// The PyTorch peer (peer_torch.py through /usr/bin/python3): false, and
// nothing in `out`, when python3-torch is not installed.
struct PeerResult {
  double median_ms = 0, low_ms = 0, high_ms = 0, peak_mb = 0;
};
bool run_torch_peer(const std::string& workload, int threads, int reps, PeerResult& out);
// Set once from the command line: with --no-peers, run_torch_peer runs nothing.
void enable_peers(bool enabled);
void say_torch_missing();

// A table of implementations: name, median and spread in ms, peak memory.
void print_header();
void print_row(const std::string& name, double median_ms, double low_ms, double high_ms, double peak_mb);
// Times `step`, measures its peak heap, prints the row; returns the median in ms.
double measure_and_print(const std::string& name, int reps, const std::function<void()>& step);
// The rows "attograd fused" (step(true)) and "attograd composed" (step(false));
// returns the fused median in ms.
double measure_fused_and_composed(int reps, const std::function<void(bool fused)>& step);
// The PyTorch row and the ratio of `ours` (the named row of ours) to it;
// target 0 means none is set.
void compare_with_torch(const std::string& workload, const std::string& name, int threads, int reps, double ours_ms,
                        double target, const std::string& ours = "fused");
std::string target_text(double target);

// The workloads, one file each family.
void bench_overhead(const Options& options);   // overhead.cpp: per-op cost, tiny forward + backward
void bench_sgemm(const Options& options);      // kernels.cpp
void bench_elementwise(const Options& options);
void bench_softmax(const Options& options);
void bench_attention(const Options& options);  // layers.cpp
void bench_lstm(const Options& options);
void bench_gru(const Options& options);
void bench_seq2seq(const Options& options);    // training.cpp
void bench_gpt(const Options& options);        // training.cpp
void bench_scaling(const Options& options);    // scaling.cpp: 1 vs 2 threads, bitwise identical

}  // namespace bench
