// Data parallelism over MPI, run on two ranks of one thread each:
//
//   mpirun --bind-to none -np 2 build/tests/bench/bench_distributed [--reps N]   (make bench runs it;
//   unpinned, a rank runs on whichever core other programs leave free)
//
// 1. The average of a gradient against its size: the library's
//    GradientAverager (summed in rank order) against a plain MPI_Allreduce
//    (Open MPI's order), median ms of a call, and their ratio: what fixing
//    the order costs.
// 2. Tutorial 15's training step (its GPT, a global batch of 48 windows of
//    32 characters): two ranks on two cores against one rank on one core
//    doing the whole batch, while the other rank sleeps. Target >= 1.6x.
#include "distributed/data_parallel.h"
#include "nn/nn.h"
#include "tutorials/14_gpt/gpt.h"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

using namespace atto;
using namespace atto::distributed;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Median seconds of `reps` calls after two untimed ones, the same on every
// rank (rank 0's).
double median_seconds(int reps, const std::function<void()>& call) {
  call();
  call();
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    const double started = now();
    call();
    times.push_back(now() - started);
  }
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  MPI_Bcast(&median, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  return median;
}

void bench_average(const World& world, int reps) {
  if (world.is_root()) {
    fmt::print("\n## gradient average over {} ranks: median ms of a call against the gradient's size\n", world.size());
    fmt::print("{:>12} {:>10} {:>14} {:>14} {:>9}\n", "numbers", "MB", "rank order", "MPI_Allreduce", "ratio");
  }
  const MPI_Datatype real = std::is_same_v<Real, float> ? MPI_FLOAT : MPI_DOUBLE;
  for (const Index numbers : {Index(10'000), Index(100'000), Index(1'000'000), Index(4'000'000)}) {
    Generator gen(static_cast<std::uint64_t>(world.rank()));
    Var gradient(zeros({numbers}), true);
    const Tensor values = gen.normal({numbers});
    GradientAverager averager(world, {gradient});
    const double ordered = median_seconds(reps, [&] {
      gradient.set_grad(values);
      averager.average();
    });
    std::vector<Real> buffer(values.data(), values.data() + numbers);
    const double plain = median_seconds(reps, [&] {
      std::copy_n(values.data(), numbers, buffer.data());
      MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(numbers), real, MPI_SUM, MPI_COMM_WORLD);
    });
    if (world.is_root()) {
      fmt::print("{:>12} {:>10.1f} {:>14.3f} {:>14.3f} {:>8.2f}x\n", numbers, static_cast<double>(numbers) * sizeof(Real) / 1e6,
                 1e3 * ordered, 1e3 * plain, ordered / plain);
    }
  }
}

// Tutorial 15's step on random characters: forward and backward of each
// slice, the average (ranks) or the slices summed (one rank), Adam.
struct GptStep {
  explicit GptStep(Index slice_windows) : gen(5), model(config(), code_points(), gen), adam(model.trainable(), {}) {
    inputs = Tensor::empty({slice_windows, 32});
    targets = Tensor::empty({slice_windows, 32});
    for (Index i = 0; i < inputs.numel(); ++i) {
      inputs.data()[i] = static_cast<Real>(gen.randint(77));
      targets.data()[i] = static_cast<Real>(gen.randint(77));
    }
  }
  static tutorial::GptConfig config() {
    return {.vocab = 77, .context = 32, .d_model = 48, .num_heads = 4, .layers = 1, .feedforward = 96};
  }
  static std::vector<std::uint32_t> code_points() {
    std::vector<std::uint32_t> points;
    for (std::uint32_t c = 33; c < 33 + 76; ++c) points.push_back(c);
    return points;
  }
  void backward() { cross_entropy(model.logits(inputs, true), targets).backward(); }
  Generator gen;
  tutorial::Gpt model;
  Adam adam;
  Tensor inputs, targets;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void bench_step(const World& world, int reps) {
  constexpr Index kGlobalBatch = 48;
  GptStep ranks(kGlobalBatch / world.size()), single(kGlobalBatch / 2);
  GradientAverager averager(world, ranks.model.trainable());
  const auto ranks_step = [&] {
    ranks.adam.zero_grad();
    ranks.backward();
    averager.average();
    clip_grad_norm(ranks.model.trainable(), 1);
    ranks.adam.step();
  };
  // One rank does the whole batch as two slices of 24, as tutorial 15's
  // one process does.
  const std::vector<Var> parameters = single.model.trainable();
  const auto single_step = [&] {
    single.adam.zero_grad();
    single.backward();
    std::vector<Tensor> first;
    for (const Var& p : parameters) first.push_back(p.grad().clone());
    single.adam.zero_grad();
    single.backward();
    for (std::size_t i = 0; i < parameters.size(); ++i) Var(parameters[i]).set_grad((first[i] + parameters[i].grad()) / Real(2));
    clip_grad_norm(parameters, 1);
    single.adam.step();
  };
  // In turn, one step of each, so that both see the same load of a shared machine.
  std::vector<double> together, alone;
  for (int r = 0; r < reps + 2; ++r) {
    world.barrier();
    const double started = now();
    ranks_step();
    world.barrier();
    const double seconds = now() - started, one = world.time_on_root_alone(single_step);
    if (r >= 2) together.push_back(seconds), alone.push_back(one);
  }
  if (world.is_root()) {
    const double one_rank = median(alone), two_ranks = median(together);
    fmt::print("\n## tutorial 15's training step (GPT, {} windows of 32 characters): median ms, timed in turn\n",
               kGlobalBatch);
    fmt::print("{:<24} {:>10}\n{:<24} {:>10.2f}\n{:<24} {:>10.2f}   {:.2f}x one rank (target >= 1.6x: {})\n", "", "ms",
               "1 rank x 1 thread", 1e3 * one_rank, fmt::format("{} ranks x 1 thread", world.size()), 1e3 * two_ranks,
               one_rank / two_ranks, one_rank / two_ranks >= 1.6 ? "met" : "missed");
  }
}

}  // namespace

int main(int argc, char** argv) {
  return run_on_every_rank(argc, argv, [&](World& world) {
    int reps = 15;
    if (argc == 3 && std::string(argv[1]) == "--reps") reps = std::max(1, std::atoi(argv[2]));
    else if (argc != 1) throw std::runtime_error("usage: mpirun -np 2 bench_distributed [--reps N]");
    set_num_threads(1);
    if (world.is_root()) fmt::print("attograd distributed bench: {} ranks of 1 thread\n", world.size());
    bench_average(world, reps);
    bench_step(world, reps);
    return 0;
  });
}
