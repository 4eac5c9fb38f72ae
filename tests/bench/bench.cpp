// attograd benchmarks: each workload is timed beside its peer in the same
// run, and the ratio is what counts (these machines are shared and noisy).
//
//   bench [--only NAME] [--reps N]
//
// Peers: OpenBLAS for sgemm when the benchmark was built with it.
#include "core/core.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#ifdef ATTO_BENCH_CBLAS
#include <cblas.h>
#endif

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
  return 0;
}
