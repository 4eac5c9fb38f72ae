// Data-parallel training against one process, run under mpirun by check.sh.
//
//   data_parallel_check equal STEPS                   N ranks, then the same run in one process: bit for bit
//   data_parallel_check save STEPS FILE               N ranks, a checkpoint every step
//   data_parallel_check resume FILE RANKS_BEFORE MORE
//                                                     from FILE (written by RANKS_BEFORE ranks), MORE steps on,
//                                                     against one process that changes its slicing there too
//   data_parallel_check save-until-killed FILE PIDFILE
//                                                     as save, without end; rank 0 writes its process id to PIDFILE
//   data_parallel_check different-models              rank 1 builds a wider model
//   data_parallel_check different-gradients           rank 1 averages one parameter fewer
//   data_parallel_check small-buckets                 buckets of 1 number, fewer than the ranks
//   data_parallel_check second-world                  a second World in one process
//   data_parallel_check fail throw|kill RANK STEP FILE
//                                                     as save, and rank RANK throws or is killed at STEP
//
// The model is a small classifier (Dense, LayerNorm, Dense) on random
// points labelled by a fixed random linear map; Adam with gradient clipping.
#include "distributed/checkpoint.h"
#include "distributed/data_parallel.h"
#include "distributed/sampler.h"
#include "nn/nn.h"

#include <fmt/format.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

using namespace atto;
using namespace atto::distributed;

namespace {

constexpr Index kExamples = 512, kFeatures = 12, kClasses = 5, kGlobalBatch = 48;
constexpr std::uint64_t kSeed = 7;

struct Data {
  Tensor points, labels;
};

Data make_data() {
  Generator gen(kSeed);
  Data data{gen.normal({kExamples, kFeatures}), zeros({kExamples})};
  const Tensor map = gen.normal({kFeatures, kClasses});
  for (Index i = 0; i < kExamples; ++i) {
    Index best = 0;
    Real best_score = -1e30f;
    for (Index c = 0; c < kClasses; ++c) {
      Real score = 0;
      for (Index f = 0; f < kFeatures; ++f) score += data.points.data()[i * kFeatures + f] * map.data()[f * kClasses + c];
      if (score > best_score) best_score = score, best = c;
    }
    data.labels.data()[i] = static_cast<Real>(best);
  }
  return data;
}

struct Model {
  explicit Model(std::uint64_t seed, Index hidden = 32) : gen(seed) {
    net.add<Dense>(kFeatures, DenseOptions{.units = hidden, .activation = Activation::tanh}, gen);
    net.add<LayerNorm>(hidden);
    net.add<Dense>(hidden, DenseOptions{.units = kClasses}, gen);
  }
  Generator gen;
  Sequential net;
};

Var slice_loss(Model& model, const Data& data, const std::vector<Index>& examples) {
  const auto n = static_cast<Index>(examples.size());
  Tensor x = zeros({n, kFeatures}), y = zeros({n});
  for (Index i = 0; i < n; ++i) {
    const Index e = examples[static_cast<std::size_t>(i)];
    std::copy_n(data.points.data() + e * kFeatures, kFeatures, x.data() + i * kFeatures);
    y.data()[i] = data.labels.data()[e];
  }
  return cross_entropy(model.net(Var(x)), y);
}

Adam make_adam(Model& model) { return Adam(model.net.parameters(), {.lr = 0.01f}); }

void optimizer_step(Model& model, Adam& adam) {
  clip_grad_norm(model.net.parameters(), 1);
  adam.step();
}

// One process: the global batch's `slices` slices one after the other, their
// gradients summed in slice order and divided by the slice count.
void reference_steps(Model& model, Adam& adam, const Data& data, Index from, Index to, int slices) {
  const ShardedSampler sampler(kExamples, kGlobalBatch, kSeed, 0, slices);
  const std::vector<Var> parameters = model.net.parameters();
  for (Index step = from; step < to; ++step) {
    std::vector<std::vector<Tensor>> grads(static_cast<std::size_t>(slices));
    for (int s = 0; s < slices; ++s) {
      model.net.zero_grad();
      slice_loss(model, data, sampler.slice(step, s)).backward();
      for (const Var& p : parameters) grads[static_cast<std::size_t>(s)].push_back(p.grad().clone());
    }
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      Tensor sum = grads[0][i].clone();
      for (int s = 1; s < slices; ++s) {
        const Real* g = grads[static_cast<std::size_t>(s)][i].data();
        for (Index j = 0; j < sum.numel(); ++j) sum.data()[j] += g[j];
      }
      for (Index j = 0; j < sum.numel(); ++j) sum.data()[j] /= static_cast<Real>(slices);
      Var p = parameters[i];
      p.set_grad(sum);
    }
    optimizer_step(model, adam);
  }
}

// N ranks, each its slice; a checkpoint after each step when `file` is given;
// `fail` (throw or kill) on rank fail_rank at fail_step.
void distributed_steps(const World& world, Model& model, Adam& adam, const Data& data, Index to,
                       const std::string& file = "", const std::string& fail = "", int fail_rank = -1,
                       Index fail_step = -1) {
  const ShardedSampler sampler(kExamples, kGlobalBatch, kSeed, world.rank(), world.size());
  GradientAverager averager(world, model.net.parameters(), 100);  // small buckets: several per step
  for (Index step = adam.steps(); step < to; ++step) {
    if (world.rank() == fail_rank && step == fail_step) {
      if (fail == "kill") std::raise(SIGKILL);
      throw std::runtime_error(fmt::format("a failure on purpose at step {}", step));
    }
    adam.zero_grad();
    const Var loss = slice_loss(model, data, sampler.rank_batch(step));
    loss.backward();
    averager.average();
    optimizer_step(model, adam);
    const double mean_loss = mean_over_ranks(world, static_cast<double>(loss.value().item()));
    if (world.is_root() && step % 10 == 0) fmt::print("step {:3}  loss {:.4f}\n", step, mean_loss);
    if (!file.empty()) save_checkpoint_from_root(world, file, model.net, &adam);
  }
}

// Every parameter, bit for bit; 1 when any differs.
int compare(const World& world, Model& ours, Model& reference, const std::string& what) {
  const auto a = ours.net.named_parameters(), b = reference.net.named_parameters();
  Index differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Tensor& x = a[i].second.value();
    const Tensor& y = b[i].second.value();
    differing += std::memcmp(x.data(), y.data(), static_cast<std::size_t>(x.numel()) * sizeof(Real)) != 0;
  }
  fmt::print("rank {} of {}: {}: {} of {} parameters differ\n", world.rank(), world.size(), what, differing, a.size());
  return differing == 0 ? 0 : 1;
}

int run(World& world, int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const Data data = make_data();
  const std::string& mode = args.at(0);
  // Every rank starts from different weights: broadcast_parameters makes them rank 0's.
  Model model(kSeed + static_cast<std::uint64_t>(world.rank()) * 1000);
  Adam adam = make_adam(model);
  if (mode == "different-models") {
    Model other(kSeed, world.rank() == 1 ? 33 : 32);
    broadcast_parameters(world, other.net);
    return 0;
  }
  if (mode == "small-buckets") {
    GradientAverager averager(world, model.net.parameters(), 1);
    return 0;
  }
  if (mode == "second-world") {
    World again(argc, argv);
    return 0;
  }
  if (mode == "different-gradients") {
    std::vector<Var> parameters = model.net.parameters();
    if (world.rank() == 1) parameters.pop_back();
    GradientAverager averager(world, parameters);
    return 0;
  }
  if (mode == "resume") {
    load_checkpoint_from_root(world, args.at(1), model.net, &adam);
    const Index resumed_at = adam.steps(), end = resumed_at + std::stoll(args.at(3));
    distributed_steps(world, model, adam, data, end);
    Model reference(kSeed);
    Adam reference_adam = make_adam(reference);
    reference_steps(reference, reference_adam, data, 0, resumed_at, std::stoi(args.at(2)));
    reference_steps(reference, reference_adam, data, resumed_at, end, world.size());
    return compare(world, model, reference,
                   fmt::format("resumed at step {} from {} ranks, against one process", resumed_at, args.at(2)));
  }
  broadcast_parameters(world, model.net);
  if (mode == "save") {
    distributed_steps(world, model, adam, data, std::stoll(args.at(1)), args.at(2));
    return 0;
  }
  if (mode == "save-until-killed") {
    if (world.is_root()) {
      const std::string temporary = args.at(2) + ".tmp";
      std::ofstream(temporary) << getpid() << "\n";
      std::filesystem::rename(temporary, args.at(2));
    }
    distributed_steps(world, model, adam, data, std::numeric_limits<Index>::max(), args.at(1));
    return 0;
  }
  if (mode == "fail") {
    distributed_steps(world, model, adam, data, 1000, args.at(4), args.at(1), std::stoi(args.at(2)),
                      std::stoll(args.at(3)));
    return 0;
  }
  if (mode != "equal") throw std::runtime_error("unknown mode " + mode);
  const Index steps = std::stoll(args.at(1));
  distributed_steps(world, model, adam, data, steps);
  Model reference(kSeed);
  Adam reference_adam = make_adam(reference);
  reference_steps(reference, reference_adam, data, 0, steps, world.size());
  return compare(world, model, reference, fmt::format("{} steps against one process", steps));
}

}  // namespace

int main(int argc, char** argv) {
  return run_on_every_rank(argc, argv, [&](World& world) {
    if (argc < 2) throw std::runtime_error("usage: data_parallel_check MODE ... (see the source)");
    return run(world, argc, argv);
  });
}
