// attograd benchmarks: each workload is timed beside its peer in the same
// run, and the ratio is what counts (these machines are shared and noisy).
//
//   bench [--only NAME] [--reps N] [--no-peers]
//
// Peers: OpenBLAS for sgemm when the benchmark was built with it; PyTorch
// (tests/bench/peer_torch.py through /usr/bin/python3) when python3-torch is
// installed. docs/performance.md has the full table and how to read it.
#include "tests/bench/common.h"

#include "core/kernel_dispatch.h"

#include <fmt/format.h>

#include <cstdlib>
#include <string>

namespace {

int usage(const std::string& message) {
  fmt::print(stderr, "bench: {}\nusage: bench [--only NAME] [--reps N] [--no-peers]\n", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bench::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--only" || arg == "--reps") && i + 1 == argc) return usage("missing value");
    if (arg == "--no-peers") {
      options.peers = false;
    } else if (arg == "--only") {
      options.only = argv[++i];
    } else if (arg == "--reps") {
      options.reps = std::atoi(argv[++i]);
      if (options.reps < 1) return usage("--reps needs a positive number");
    } else {
      return usage(fmt::format("unknown argument '{}'", arg));
    }
  }
  bench::enable_peers(options.peers);
  fmt::print("attograd bench: {} threads available; OMP_WAIT_POLICY={}\n", atto::num_threads(),
             std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "(default)");
  std::string supported;
  for (std::string_view name : atto::supported_kernels()) supported.append(" ").append(name);
  fmt::print("matrix kernel in use: {} (this CPU supports:{}; ATTO_KERNEL=NAME forces one)\n", atto::active_kernel(),
             supported);
  bench::bench_overhead(options);
  bench::bench_sgemm(options);
  bench::bench_elementwise(options);
  bench::bench_softmax(options);
  bench::bench_attention(options);
  bench::bench_lstm(options);
  bench::bench_gru(options);
  bench::bench_seq2seq(options);
  bench::bench_gpt(options);
  bench::bench_scaling(options);
  return 0;
}
