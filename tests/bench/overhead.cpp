// What the framework itself costs: one op on 1-element tensors, and a tiny
// forward + backward where the arithmetic is next to nothing.
#include "autograd/autograd.h"
#include "tests/bench/common.h"

#include <fmt/format.h>

namespace bench {

namespace {

constexpr int kOpsPerRun = 1000;

void overhead_row(const std::string& name, const Timing& ours, const std::string& workload, int reps, double target) {
  const double ours_us = ours.median * 1e6 / kOpsPerRun;
  PeerResult torch;
  if (!run_torch_peer(workload, 1, reps, torch)) {
    fmt::print("{:<34} {:>10.3f} {:>12}\n", name, ours_us, "-");
    return;
  }
  const double torch_us = torch.median_ms * 1e3 / kOpsPerRun;
  fmt::print("{:<34} {:>10.3f} {:>12.3f} {:>8.2f}x{}\n", name, ours_us, torch_us, ours_us / torch_us,
             target_text(target));
}

}  // namespace

void bench_overhead(const Options& options) {
  if (!selected(options, "overhead")) return;
  atto::set_num_threads(1);
  fmt::print("\n## framework overhead, 1 thread\n");
  fmt::print("{:<34} {:>10} {:>12} {:>9}\n", "us per op (median)", "attograd", "PyTorch 1.13", "ratio");
  for (bool requires_grad : {false, true}) {
    const atto::Var a(atto::ones({1}), requires_grad), b(atto::ones({1}));
    const Timing t = measure(options.reps, [&] {
      for (int i = 0; i < kOpsPerRun; ++i) atto::Var c = a + b;
    });
    overhead_row(requires_grad ? "add, 1 element, recording a node" : "add, 1 element, no grad", t,
                 requires_grad ? "op_overhead_grad" : "op_overhead", options.reps, 0);
  }

  // sum(tanh(x w)), x (8, 32), w (32, 32), and the backward to w.
  fmt::print("\n## tiny forward + backward: sum(tanh(x w)), x (8, 32), w (32, 32), 1 thread\n");
  print_header();
  atto::Generator gen(7);
  const atto::Var x(gen.normal({8, 32}));
  atto::Var w(gen.normal({32, 32}), true);
  const double ours_ms = measure_and_print("attograd", options.reps * 100, [&] {
    w.zero_grad();
    atto::sum(atto::tanh(atto::matmul(x, w))).backward();
  });
  compare_with_torch("tiny_forward_backward", "PyTorch 1.13", 1, options.reps * 100, ours_ms, 0.25, "attograd");
}

}  // namespace bench
