// What docs/architecture.md promises about std::threads: several threads may
// each build and train their own model at once. `make tsan` runs this file
// (and the rest of the robustness suite) under ThreadSanitizer.
#include "nn/nn.h"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace atto;

namespace {

// A small attention model trained for a few Adam steps; returns its final loss
// and leaves its weights in *trained.
Real train_one_model(std::uint64_t seed, Tensor* trained) {
  Generator gen(seed);
  Dense project(4, {.units = 8, .activation = Activation::tanh}, gen);
  Attention attention({.use_scale = true});
  Dense head(8, {.units = 3}, gen);
  std::vector<Var> parameters = project.parameters();
  for (const Var& p : attention.parameters()) parameters.push_back(p);
  for (const Var& p : head.parameters()) parameters.push_back(p);
  Adam adam(parameters, {.lr = 0.01});
  const Tensor x = gen.normal({6, 5, 4});
  Tensor targets = Tensor::empty({6, 5});
  for (Index i = 0; i < targets.numel(); ++i) targets.data()[i] = static_cast<Real>(gen.randint(3));
  Real loss_value = 0;
  for (int step = 0; step < 20; ++step) {
    adam.zero_grad();
    const Var h = project(Var(x));
    const Var loss = cross_entropy(head(attention(h, h).output), targets);
    loss.backward();
    adam.step();
    loss_value = loss.item();
  }
  *trained = head.kernel().value().clone();
  return loss_value;
}

}  // namespace

TEST_CASE("threads: two models trained at once on two std::threads match the same training run alone") {
  Tensor alone_a, alone_b;
  const Real loss_a = train_one_model(11, &alone_a);
  const Real loss_b = train_one_model(12, &alone_b);
  Tensor together_a, together_b;
  Real together_loss_a = 0, together_loss_b = 0;
  // One OpenMP thread each, as docs/architecture.md advises for two trainers
  // on two cores; the bits do not depend on it.
  std::thread first([&] {
    set_num_threads(1);
    together_loss_a = train_one_model(11, &together_a);
  });
  std::thread second([&] {
    set_num_threads(1);
    together_loss_b = train_one_model(12, &together_b);
  });
  first.join();
  second.join();
  CHECK(together_loss_a == loss_a);
  CHECK(together_loss_b == loss_b);
  CHECK(allclose(together_a, alone_a, 0, 0));
  CHECK(allclose(together_b, alone_b, 0, 0));
  CHECK_FALSE(allclose(alone_a, alone_b, 0, 0));  // two seeds: two different models
}

TEST_CASE("threads: grad mode and anomaly mode set on one thread do not reach another") {
  const NoGradGuard no_grad;
  const AnomalyModeGuard anomaly;
  bool other_grad = false, other_anomaly = true;
  std::thread other([&] {
    other_grad = grad_enabled();
    other_anomaly = anomaly_mode();
  });
  other.join();
  CHECK(other_grad);
  CHECK_FALSE(other_anomaly);
  CHECK_FALSE(grad_enabled());
}
