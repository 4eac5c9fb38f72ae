// Graphs are freed, however deep: a composed LSTM unrolled over 10,000 steps
// (about 150,000 nodes) trains one step, and every node of the graph is gone
// afterwards; a training loop leaves no node behind (no reference cycles).
// The sanitizer build runs these under LeakSanitizer too.
#include <doctest/doctest.h>

#include <memory>
#include <unordered_set>
#include <vector>

#include "nn/nn.h"

using namespace atto;

namespace {

// Nodes reachable from v, counted without recursion.
size_t graph_size(const Var& v) {
  std::unordered_set<const Node*> seen{v.node().get()};
  std::vector<const Node*> todo{v.node().get()};
  while (!todo.empty()) {
    const Node* node = todo.back();
    todo.pop_back();
    for (const auto& input : node->inputs) {
      if (seen.insert(input.get()).second) todo.push_back(input.get());
    }
  }
  return seen.size();
}

}  // namespace

TEST_CASE("a 10,000-step composed LSTM trains one step and frees its graph") {
  for (LSTMImplementation implementation : {LSTMImplementation::composed, LSTMImplementation::fused}) {
    CAPTURE(static_cast<int>(implementation));
    Generator gen(3);
    LSTM lstm(2, 4, {.implementation = implementation}, gen);
    Dense head(4, {.units = 1}, gen);
    std::vector<Var> parameters = lstm.parameters();
    for (const Var& p : head.parameters()) parameters.push_back(p);
    Adam adam(parameters, {.lr = 0.01});
    const Tensor before = lstm.cell().kernel().value().clone();

    std::weak_ptr<Node> output_node;
    {
      const Var x(gen.normal({1, 10000, 2}));
      const auto result = lstm(x);
      output_node = result.output.node();
      CHECK(graph_size(result.output) > (implementation == LSTMImplementation::composed ? 100000 : 5));
      const Var loss = mse_loss(head(result.output), ones({1, 1}));
      loss.backward();
    }
    adam.step();
    CHECK(output_node.expired());
    CHECK_FALSE(allclose(lstm.cell().kernel().value(), before, 0, 0));
    CHECK(all_finite(lstm.cell().kernel().grad()));
  }
}

TEST_CASE("a training loop leaves no node alive: the graph holds no cycles") {
  Generator gen(4);
  Sequential model;
  model.add<Dense>(3, DenseOptions{.units = 8, .activation = Activation::tanh}, gen).add<Dense>(8, DenseOptions{.units = 2}, gen);
  Adam adam(model.parameters(), {});
  const std::vector<Var> parameters = model.parameters();
  std::vector<long> holders_before;
  for (const Var& p : parameters) holders_before.push_back(p.node().use_count());
  std::vector<std::weak_ptr<Node>> seen;
  for (int step = 0; step < 50; ++step) {
    adam.zero_grad();
    const Var logits = model(Var(gen.normal({16, 3})));
    Tensor targets = zeros({16});
    for (Index i = 0; i < 16; ++i) targets.data()[i] = static_cast<Real>(gen.randint(2));
    const Var loss = cross_entropy(logits, targets);
    seen.push_back(logits.node());
    seen.push_back(loss.node());
    loss.backward();
    adam.step();
  }
  for (const auto& node : seen) CHECK(node.expired());
  // Parameters live on, held by exactly whom they were held by before.
  for (size_t i = 0; i < parameters.size(); ++i) CHECK(parameters[i].node().use_count() == holders_before[i]);
}
