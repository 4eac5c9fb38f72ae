// Kernels against their limits: sgemm against OpenBLAS, elementwise add
// against the memory bandwidth measured here, softmax against PyTorch.
#include "tests/bench/common.h"

#include "core/kernel_dispatch.h"

#include <fmt/format.h>

#include <type_traits>
#include <vector>

#ifdef ATTO_BENCH_CBLAS
#include <cblas.h>
#endif

namespace bench {

namespace {

#ifdef ATTO_BENCH_CBLAS
void set_peer_threads(int threads) { openblas_set_num_threads(threads); }
#endif

// Streaming c[i] = a[i] + b[i] with a plain OpenMP loop into memory already
// touched: the machine's bandwidth for this access pattern (STREAM's "add").
double stream_add_gb_per_s(const atto::Tensor& a, const atto::Tensor& b, int reps) {
  atto::Tensor c = atto::zeros(a.shape());
  const Real* pa = a.data();
  const Real* pb = b.data();
  Real* pc = c.data();
  const Index n = a.numel();
  const Timing t = measure(reps, [&] {
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) pc[i] = pa[i] + pb[i];
  });
  return 3.0 * sizeof(Real) * static_cast<double>(n) / t.median * 1e-9;
}

}  // namespace


// sgemm C = op(A) op(B) for square n, with the backward passes' transposes,
// on the kernel the CPU picked; then 512^3 and 1024^3 on one thread with
// every kernel this CPU can run.
void bench_sgemm(const Options& options) {
  if (!selected(options, "sgemm")) return;
  struct Case {
    Index n;
    bool trans_a, trans_b;
  };
  atto::Generator gen(1);
  // One row: attograd's GFLOP/s, OpenBLAS's and the ratio, at `threads`.
  const auto row = [&](const std::string& label, const Case& c, int threads) {
    const std::string name = fmt::format("{}^3{}{}", c.n, c.trans_a ? " A^T B" : "", c.trans_b ? " A B^T" : "");
    const atto::Tensor a = gen.uniform({c.n, c.n}, -1, 1), b = gen.uniform({c.n, c.n}, -1, 1);
    atto::Tensor out = atto::Tensor::empty({c.n, c.n});
    const double flops = 2.0 * c.n * c.n * c.n;
    atto::set_num_threads(threads);
    const Timing ours = measure(options.reps, [&] { atto::matmul_into(out, a, b, atto::transpose_of(c.trans_a, c.trans_b)); });
    std::string peer = "-", ratio = "-";
#ifdef ATTO_BENCH_CBLAS
    if constexpr (std::is_same_v<Real, float>) {
      set_peer_threads(threads);
      atto::Tensor peer_out = atto::Tensor::empty({c.n, c.n});
      const Timing theirs = measure(options.reps, [&] {
        cblas_sgemm(CblasRowMajor, c.trans_a ? CblasTrans : CblasNoTrans, c.trans_b ? CblasTrans : CblasNoTrans, c.n,
                    c.n, c.n, 1.0f, a.data(), c.n, b.data(), c.n, 0.0f, peer_out.data(), c.n);
      });
      peer = fmt::format("{:.1f}", flops / theirs.median * 1e-9);
      ratio = fmt::format("{:.2f}", theirs.median / ours.median);
    }
#endif
    fmt::print("{:<8} {:<16} {:>7} {:>10.1f} {:>19} {:>10} {:>7}\n", label, name, threads, flops / ours.median * 1e-9,
               fmt::format("[{:.2f}-{:.2f}]", ours.low * 1e3, ours.high * 1e3), peer, ratio);
  };
  const auto header = [] {
    fmt::print("{:<8} {:<16} {:>7} {:>10} {:>19} {:>10} {:>7}\n", "kernel", "shape", "threads", "attograd",
               "[spread ms]", "OpenBLAS", "ratio");
  };
  const std::string active(atto::active_kernel());
  fmt::print("\n## sgemm (GFLOP/s, median of {} runs, [min-max] in ms), kernel in use: {}\n", options.reps, active);
  header();
  for (const Case& c : {Case{256, false, false}, Case{512, false, false}, Case{1024, false, false},
                        Case{512, true, false}, Case{512, false, true}, Case{1024, true, false},
                        Case{1024, false, true}}) {
    for (int threads : {1, 2}) row(active, c, threads);
  }
  fmt::print("\n## sgemm on one thread with every kernel this CPU can run\n");
  header();
  for (std::string_view kernel : atto::supported_kernels()) {
    atto::use_kernel(kernel);
    for (Index n : {512, 1024}) row(std::string(kernel), {n, false, false}, 1);
  }
  atto::use_kernel(active);
  fmt::print("ratio = attograd speed / OpenBLAS speed (>= 0.85 is the target); OpenBLAS picks its own kernel for\n"
             "this CPU (set OPENBLAS_CORETYPE, e.g. Haswell or Nehalem, to hold a lower kernel against its peer)\n");
}

// c = a + b on 32M floats: three arrays of 128 MB streamed through memory.
void bench_elementwise(const Options& options) {
  if (!selected(options, "elementwise")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  const Index n = Index{1} << 25;
  fmt::print("\n## elementwise add, {}M elements, {} threads\n", n >> 20, threads);
  atto::Generator gen(5);
  const atto::Tensor a = gen.uniform({n}, -1, 1), b = gen.uniform({n}, -1, 1);
  const double bytes = 3.0 * sizeof(Real) * static_cast<double>(n);
  const double bandwidth = stream_add_gb_per_s(a, b, options.reps);
  print_header();
  const double ours_ms = measure_and_print("attograd add (new tensor)", options.reps, [&] { return atto::add(a, b); });
  fmt::print("memory bandwidth measured here (OpenMP add into touched memory): {:.1f} GB/s\n", bandwidth);
  fmt::print("attograd add: {:.1f} GB/s = {:.0f}% of it (target >= 85%)\n", bytes / ours_ms * 1e-6,
             100 * bytes / ours_ms * 1e-6 / bandwidth);
  compare_with_torch("elementwise_add", "PyTorch 1.13 torch.add", threads, options.reps, ours_ms, 0, "attograd");
}

// softmax over the last axis of (4096, 1024), forward.
void bench_softmax(const Options& options) {
  if (!selected(options, "softmax")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## softmax (4096, 1024) over the last axis, {} threads\n", threads);
  const atto::Tensor x = atto::Generator(6).normal({4096, 1024});
  print_header();
  const double ours_ms = measure_and_print("attograd softmax", options.reps, [&] { return atto::softmax(x); });
  compare_with_torch("softmax", "PyTorch 1.13 torch.softmax", threads, options.reps, ours_ms, 0.6, "attograd");
}

}  // namespace bench
