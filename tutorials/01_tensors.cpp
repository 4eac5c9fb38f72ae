// Tutorial 01: tensors
//
// Everything in attograd, from a gradient to an attention map, is a Tensor:
// an N-dimensional array of numbers. This tutorial tours the tensor type
// before any learning happens: how tensors are made and printed, how
// broadcasting lines up shapes, how reductions collapse an axis, why softmax
// must be computed "stably", and what two CPU cores buy on a matrix product.
//
// Run it:  build/tutorials/01_tensors [--quick] [--threads N] [--seed S]
#include "core/core.h"
#include "tutorials/common/narration.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <chrono>
#include <string>

using namespace atto;
using atto::tutorial::section;

int main(int argc, char** argv) {
  const tutorial::Options options =
      tutorial::parse_options(argc, argv, "Tutorial 01: tensors, broadcasting, reductions, softmax, matmul.");

  // ## 1. Making and printing tensors
  //
  // A tensor has a shape, e.g. (2,3) for two rows of three, and its numbers
  // are stored row after row ("row-major"). `tensor` reads nested braces the
  // way torch.tensor reads nested Python lists.
  section("1. Making tensors");
  const Tensor m = tensor({{1, 2, 3}, {4, 5, 6}});
  fmt::print("m =\n{}\n", m);
  fmt::print("rank {}, {} elements, m[1,2] = {}\n", m.rank(), m.numel(), m.at({1, 2}));
  fmt::print("arange(6).reshape({{3, 2}}) = {}\n", arange(6).reshape({3, 2}));

  // Random tensors come from a seeded generator: the same --seed gives the
  // same numbers on any machine and any number of threads.
  Generator gen(options.seed);
  fmt::print("uniform noise = {}\n", gen.uniform({2, 4}, -1, 1));

  // A Tensor is a handle. Copying it shares the numbers (cheap, like a second
  // name for a NumPy array); clone() copies them. reshape() is a free view.
  Tensor a = zeros({3});
  Tensor alias = a;
  Tensor copy = a.clone();
  a.data()[0] = 7;
  fmt::print("after a[0] = 7: alias[0] = {}, copy[0] = {}\n", alias.data()[0], copy.data()[0]);

  // ## 2. Broadcasting
  //
  // Binary ops accept different shapes when, aligned at the last axis, each
  // pair of sizes is equal or one of them is 1 (or missing). The 1 is
  // repeated to match. This is how a bias vector is added to every row.
  section("2. Broadcasting");
  const Tensor bias = tensor({10, 20, 30});
  fmt::print("m (2,3) + bias (3) =\n{}\n\n", m + bias);
  // A column (3,1) against a row (1,4) gives every pairwise sum: an "outer" sum.
  const Tensor column = tensor({{0}, {10}, {20}});
  const Tensor row = tensor({{1, 2, 3, 4}});
  fmt::print("column (3,1) + row (1,4) =\n{}\n\n", column + row);
  // Shapes that do not line up are an error that names the op and the shapes.
  try {
    const Tensor never_made = add(m, tensor({1, 2}));  // add throws before never_made exists
  } catch (const ShapeError& e) {
    fmt::print("m (2,3) + (2) -> ShapeError: {}\n", e.what());
  }

  // ## 3. Reductions
  //
  // A reduction collapses one axis. Axis 0 runs down the rows, axis 1 (or -1,
  // the last) along each row. keepdim leaves a size-1 axis in place, which
  // makes the result broadcast back against the input.
  section("3. Reductions");
  fmt::print("sum(m) = {}\n", sum(m));
  fmt::print("sum(m, 0) = {}\n", sum(m, 0));
  fmt::print("mean(m, 1, keepdim) = {}\n", mean(m, 1, true));
  fmt::print("m - mean(m, 1, keepdim) = {}\n", m - mean(m, 1, true));
  fmt::print("max(m, 1) = {}, argmax(m, 1) = {}\n", max(m, 1), argmax(m, 1));

  // ## 4. A stable softmax
  //
  // softmax turns scores into probabilities: exp(x_j) / sum_k exp(x_k). Done
  // literally it overflows: exp(1000) is infinite in float, and inf/inf is
  // NaN. Subtracting the row maximum first gives the same function (the
  // factor exp(-max) cancels) with every exponent <= 0.
  section("4. Softmax, naively and stably");
  const Tensor scores = tensor({{1, 2, 3}, {1000, 1001, 1002}});
  const Tensor naive = exp(scores) / sum(exp(scores), -1, true);
  fmt::print("naive softmax =\n{}\n", naive);
  fmt::print("stable softmax =\n{}\n", softmax(scores));
  fmt::print("(both rows are the same distribution: softmax ignores a constant shift)\n");

  // ## 5. Matrix products and threads
  //
  // matmul is where the time goes in every model. attograd's kernel copies
  // blocks of both matrices into cache-friendly panels and keeps a small tile
  // of the result in SIMD registers; OpenMP then splits the tiles over cores.
  // Results are bitwise identical whatever the thread count.
  //
  // The tile is sized for the SIMD registers of one instruction set, and
  // CPUs differ: the library holds one kernel per set (AVX-512, AVX2 or plain
  // SSE2 on x86-64, NEON on ARM) and runs the widest one this CPU has. Set
  // ATTO_KERNEL=generic to see how much the wide registers are worth here.
  section("5. matmul at 1 and 2 threads");
  std::string supported;
  for (std::string_view name : supported_kernels()) supported.append(" ").append(name);
  fmt::print("matrix kernel in use: {} (this CPU supports:{})\n", active_kernel(), supported);
  const Index n = options.quick ? 256 : 1024;
  const Tensor x = gen.uniform({n, n}, -1, 1), y = gen.uniform({n, n}, -1, 1);
  const int all_threads = num_threads();
  Tensor result_1, result_n;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Tensor out = matmul(x, y);  // warm-up: caches and the thread pool
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
      const auto start = std::chrono::steady_clock::now();
      out = matmul(x, y);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    (threads == 1 ? result_1 : result_n) = out;
    fmt::print("{}x{} @ {}x{} on {} thread(s): {:7.2f} ms, {:6.1f} GFLOP/s\n", n, n, n, n, threads, best * 1e3,
               2.0 * n * n * n / best * 1e-9);
  }
  set_num_threads(all_threads);
  fmt::print("identical results on 1 and 2 threads: {}\n",
             std::equal(result_1.data(), result_1.data() + result_1.numel(), result_n.data()) ? "yes" : "NO");
  return 0;
}
