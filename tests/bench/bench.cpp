// attograd benchmarks: each workload is timed beside its peer in the same
// run, and the ratio is what counts (these machines are shared and noisy).
//
//   bench [--only NAME] [--reps N]
//
// Peers: OpenBLAS for sgemm when the benchmark was built with it; PyTorch
// (tests/bench/peer_torch.py through /usr/bin/python3) when python3-torch is
// installed.
#include "autograd/autograd.h"
#include "nn/nn.h"
#include "tutorials/12_your_own_layer/gru.h"

#include <fmt/format.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#ifdef ATTO_BENCH_CBLAS
#include <cblas.h>
#endif

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

namespace {

using atto::Index;
using atto::Real;

struct Timing {
  double median = 0, low = 0, high = 0;  // seconds
};

// Runs `fn` a few times to warm caches and thread pools, then `reps` timed runs.
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

struct Options {
  std::string only;
  int reps = 15;
};

bool selected(const Options& options, const std::string& name) {
  return options.only.empty() || name.find(options.only) != std::string::npos;
}

#ifdef ATTO_BENCH_CBLAS
void set_peer_threads(int threads) { openblas_set_num_threads(threads); }
#endif

// sgemm C = op(A) op(B) for square n, with the backward passes' transposes.
void bench_sgemm(const Options& options) {
  if (!selected(options, "sgemm")) return;
  fmt::print("\n## sgemm (GFLOP/s, median of {} runs, [min-max] in ms)\n", options.reps);
  fmt::print("{:<22} {:>7} {:>10} {:>19} {:>10} {:>7}\n", "shape", "threads", "attograd", "[spread ms]", "OpenBLAS",
             "ratio");
  struct Case {
    Index n;
    bool trans_a, trans_b;
  };
  const std::vector<Case> cases = {{256, false, false}, {512, false, false}, {1024, false, false},
                                   {512, true, false},  {512, false, true},  {1024, true, false},
                                   {1024, false, true}};
  atto::Generator gen(1);
  for (const Case& c : cases) {
    const std::string name = fmt::format("{}^3{}{}", c.n, c.trans_a ? " A^T B" : "", c.trans_b ? " A B^T" : "");
    const atto::Tensor a = gen.uniform({c.n, c.n}, -1, 1), b = gen.uniform({c.n, c.n}, -1, 1);
    atto::Tensor out = atto::Tensor::empty({c.n, c.n});
    const double flops = 2.0 * c.n * c.n * c.n;
    for (int threads : {1, 2}) {
      atto::set_num_threads(threads);
      const Timing ours = measure(options.reps, [&] { atto::matmul_into(out, a, b, c.trans_a, c.trans_b, false); });
      std::string peer = "-", ratio = "-";
#ifdef ATTO_BENCH_CBLAS
      if constexpr (std::is_same_v<Real, float>) {
        set_peer_threads(threads);
        atto::Tensor peer_out = atto::Tensor::empty({c.n, c.n});
        const Timing theirs = measure(options.reps, [&] {
          cblas_sgemm(CblasRowMajor, c.trans_a ? CblasTrans : CblasNoTrans, c.trans_b ? CblasTrans : CblasNoTrans,
                      c.n, c.n, c.n, 1.0f, a.data(), c.n, b.data(), c.n, 0.0f, peer_out.data(), c.n);
        });
        peer = fmt::format("{:.1f}", flops / theirs.median * 1e-9);
        ratio = fmt::format("{:.2f}", theirs.median / ours.median);
      }
#endif
      fmt::print("{:<22} {:>7} {:>10.1f} {:>19} {:>10} {:>7}\n", name, threads, flops / ours.median * 1e-9,
                 fmt::format("[{:.2f}-{:.2f}]", ours.low * 1e3, ours.high * 1e3), peer, ratio);
    }
  }
  fmt::print("ratio = attograd speed / OpenBLAS speed (>= 0.85 is the target)\n");
}

// Runs the PyTorch peer script; returns false (and says why) when it cannot.
struct PeerResult {
  double median_ms = 0, low_ms = 0, high_ms = 0, peak_mb = 0;
};
bool run_torch_peer(const std::string& workload, int threads, int reps, PeerResult& out) {
  const std::string command = fmt::format("/usr/bin/python3 {} {} {} {} 2>/dev/null", ATTO_BENCH_PEER_SCRIPT, workload,
                                          threads, reps);
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return false;
  const int read = std::fscanf(pipe, "%lf %lf %lf %lf", &out.median_ms, &out.low_ms, &out.high_ms, &out.peak_mb);
  return pclose(pipe) == 0 && read == 4;
}

void print_header() {
  fmt::print("{:<28} {:>10} {:>19} {:>16}\n", "implementation", "median ms", "[spread ms]", "peak memory MB");
}

void print_row(const std::string& name, double median_ms, double low_ms, double high_ms, double peak_mb) {
  fmt::print("{:<28} {:>10.2f} {:>19} {:>16.1f}\n", name, median_ms, fmt::format("[{:.2f}-{:.2f}]", low_ms, high_ms),
             peak_mb);
}

// Times one step of ours, then runs it once more to read its peak heap use;
// prints the row and returns the median in ms.
double measure_and_print(const std::string& name, int reps, const std::function<void()>& step) {
  const Timing t = measure(reps, step);
  heap::peak = heap::live.load();
  const long long before = heap::live.load();
  step();
  const double peak_mb = static_cast<double>(heap::peak.load() - before) / (1 << 20);
  print_row(name, t.median * 1e3, t.low * 1e3, t.high * 1e3, peak_mb);
  return t.median * 1e3;
}

// The PyTorch row and the ratio against our best; target 0 means none is set.
void compare_with_torch(const std::string& workload, const std::string& name, int threads, int reps, double ours_ms,
                        double target) {
  PeerResult torch;
  if (!run_torch_peer(workload, threads, reps, torch)) {
    fmt::print("PyTorch: not run (/usr/bin/python3 with python3-torch not available)\n");
    return;
  }
  print_row(name, torch.median_ms, torch.low_ms, torch.high_ms, torch.peak_mb);
  fmt::print("fused / PyTorch time: {:.2f}x{}\n", ours_ms / torch.median_ms,
             target > 0 ? fmt::format(" (target <= {}x)", target) : "");
}

// Causal attention B=8 H=4 T=256 d=64, forward + backward, fused and composed,
// beside PyTorch's composed attention.
void bench_attention(const Options& options) {
  if (!selected(options, "attention")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## causal attention B=8 H=4 T=256 d=64, forward + backward, {} threads\n", threads);
  print_header();
  atto::Generator gen(2);
  const atto::Shape shape{8, 4, 256, 64};
  atto::Var q(gen.normal(shape), true), k(gen.normal(shape), true), v(gen.normal(shape), true);
  const auto step = [&](bool fused) {
    for (atto::Var* t : {&q, &k, &v}) t->zero_grad();
    const atto::Var out = fused ? atto::scaled_dot_product_attention(q, k, v, 0.125, true)
                                : atto::scaled_dot_product_attention_composed(q, k, v, 0.125, true);
    atto::sum(out).backward();
  };
  double fused_ms = 0;
  for (bool fused : {true, false}) {
    const double ms = measure_and_print(fused ? "attograd fused" : "attograd composed", options.reps,
                                        [&] { step(fused); });
    if (fused) fused_ms = ms;
  }
  compare_with_torch("causal_attention", "PyTorch 1.13 composed", threads, options.reps, fused_ms, 0.6);
  fmt::print("memory: attograd = peak live heap during one step; PyTorch = growth of the process's peak RSS\n");
}

// An LSTM layer I=128 H=256 over (B=32, T=64), forward + backward of the sum
// of its output sequence, fused and composed, beside PyTorch's nn.LSTM.
void bench_lstm(const Options& options) {
  if (!selected(options, "lstm")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## LSTM I=128 H=256 T=64 B=32, forward + backward, {} threads\n", threads);
  print_header();
  atto::Generator gen(3);
  atto::Var x(gen.normal({32, 64, 128}), true);
  double fused_ms = 0;
  for (atto::LSTMImplementation implementation : {atto::LSTMImplementation::fused, atto::LSTMImplementation::composed}) {
    const bool fused = implementation == atto::LSTMImplementation::fused;
    atto::LSTM lstm(128, 256, {.return_sequences = true, .implementation = implementation}, gen);
    const auto step = [&] {
      lstm.zero_grad();
      x.zero_grad();
      atto::sum(lstm(x).output).backward();
    };
    const double ms = measure_and_print(fused ? "attograd fused" : "attograd composed", options.reps, step);
    if (fused) fused_ms = ms;
  }
  compare_with_torch("lstm", "PyTorch 1.13 nn.LSTM", threads, options.reps, fused_ms, 0.8);
}

// Tutorial 12's GRU, the same shape and work as the LSTM above, beside
// PyTorch's nn.GRU.
void bench_gru(const Options& options) {
  if (!selected(options, "gru")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## GRU (tutorial 12) I=128 H=256 T=64 B=32, forward + backward, {} threads\n", threads);
  print_header();
  atto::Generator gen(4);
  atto::Var x(gen.normal({32, 64, 128}), true);
  double fused_ms = 0;
  using atto::tutorial::GRUImplementation;
  for (GRUImplementation implementation : {GRUImplementation::fused, GRUImplementation::composed}) {
    const bool fused = implementation == GRUImplementation::fused;
    atto::tutorial::GRU gru(128, 256, implementation, gen);
    const auto step = [&] {
      gru.zero_grad();
      x.zero_grad();
      atto::sum(gru.run(x).outputs).backward();
    };
    const double ms = measure_and_print(fused ? "attograd fused" : "attograd composed", options.reps, step);
    if (fused) fused_ms = ms;
  }
  compare_with_torch("gru", "PyTorch 1.13 nn.GRU", threads, options.reps, fused_ms, 0);
}

int usage(const char* message) {
  fmt::print(stderr, "bench: {}\nusage: bench [--only NAME] [--reps N]\n", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--only" || arg == "--reps") && i + 1 == argc) return usage("missing value");
    if (arg == "--only") {
      options.only = argv[++i];
    } else if (arg == "--reps") {
      options.reps = std::atoi(argv[++i]);
      if (options.reps < 1) return usage("--reps needs a positive number");
    } else {
      return usage(fmt::format("unknown argument '{}'", arg).c_str());
    }
  }
  fmt::print("attograd bench: {} threads available; OMP_WAIT_POLICY={}\n", atto::num_threads(),
             std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "(default)");
  bench_sgemm(options);
  bench_attention(options);
  bench_lstm(options);
  bench_gru(options);
  return 0;
}
