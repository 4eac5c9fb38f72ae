// Tutorial 12's GRU: the composed and fused versions against an independent
// loop and each other, its gradient checks, the layer, and the translator
// with GRUs in place of LSTMs. Built in double precision (gradcheck).
#include "autograd/autograd.h"
#include "tutorials/12_your_own_layer/gru.h"
#include "tutorials/common/translation_task.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;
using namespace atto::tutorial;

namespace {

// The equations of gru.h one scalar at a time, nothing shared with the code under test.
Tensor reference_gru(const std::vector<Tensor>& in, const Tensor& mask) {
  const Tensor &x = in[0], &h0 = in[1], &kernel = in[2], &recurrent = in[3], &input_bias = in[4],
               &recurrent_bias = in[5];
  const Index B = x.dim(0), T = x.dim(1), I = x.dim(2), U = h0.dim(1);
  const auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  Tensor out = zeros({B, T, U});
  for (Index b = 0; b < B; ++b) {
    std::vector<double> h(h0.data() + b * U, h0.data() + (b + 1) * U);
    for (Index t = 0; t < T; ++t) {
      if (mask.numel() > 0 && mask.at({b, t}) == 0) {
        for (Index j = 0; j < U; ++j) out.at({b, t, j}) = h[j];
        continue;
      }
      std::vector<double> next(U);
      for (Index j = 0; j < U; ++j) {
        double a[3], r[3];
        for (int g = 0; g < 3; ++g) {
          a[g] = input_bias.data()[g * U + j];
          r[g] = recurrent_bias.data()[g * U + j];
          for (Index i = 0; i < I; ++i) a[g] += x.at({b, t, i}) * kernel.at({i, g * U + j});
          for (Index k = 0; k < U; ++k) r[g] += h[k] * recurrent.at({k, g * U + j});
        }
        const double z = sig(a[0] + r[0]), reset = sig(a[1] + r[1]), n = std::tanh(a[2] + reset * r[2]);
        next[j] = z * h[j] + (1 - z) * n;
      }
      h = next;
      for (Index j = 0; j < U; ++j) out.at({b, t, j}) = h[j];
    }
  }
  return out;
}

std::vector<Tensor> random_inputs(Index B, Index T, Index I, Index U, Generator& gen) {
  return {gen.normal({B, T, I}), gen.normal({B, U}), gen.normal({I, 3 * U}, 0, 0.5), gen.normal({U, 3 * U}, 0, 0.5),
          gen.normal({3 * U}, 0, 0.2), gen.normal({3 * U}, 0, 0.2)};
}

using Sequence = Var (*)(const Var&, const Var&, const Var&, const Var&, const Var&, const Var&, const Tensor&);

std::vector<Var> run_backward(Sequence sequence, const std::vector<Tensor>& inputs, const Tensor& mask, Var& out) {
  std::vector<Var> v;
  for (const Tensor& t : inputs) v.emplace_back(t.clone(), true);
  out = sequence(v[0], v[1], v[2], v[3], v[4], v[5], mask);
  sum(out * out * Var(arange(out.shape()[2]))).backward();
  return v;
}

}  // namespace

TEST_CASE("GRU: fused and composed match an independent loop, with and without a mask") {
  Generator gen(3);
  const std::vector<Tensor> inputs = random_inputs(3, 5, 4, 3, gen);
  const Tensor mask = tensor({{1, 1, 1, 1, 1}, {1, 0, 1, 1, 0}, {1, 1, 0, 0, 0}});
  for (const Tensor& m : {Tensor(), mask}) {
    const Tensor expected = reference_gru(inputs, m);
    for (Sequence sequence : {&gru_sequence, &gru_sequence_composed}) {
      std::vector<Var> v;
      for (const Tensor& t : inputs) v.emplace_back(t);
      CHECK(allclose(sequence(v[0], v[1], v[2], v[3], v[4], v[5], m).value(), expected, 1e-12, 1e-12));
    }
  }
}

TEST_CASE("GRU: fused and composed give the same gradients for every input and weight") {
  Generator gen(4);
  const std::vector<Tensor> inputs = random_inputs(4, 6, 5, 4, gen);
  const Tensor mask = tensor({{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}, {1, 0, 1, 1, 0, 1}, {1, 0, 0, 0, 0, 0}});
  Var fused_out, composed_out;
  const std::vector<Var> fused = run_backward(gru_sequence, inputs, mask, fused_out);
  const std::vector<Var> composed = run_backward(gru_sequence_composed, inputs, mask, composed_out);
  for (std::size_t i = 0; i < fused.size(); ++i) {
    CAPTURE(i);
    CHECK(max(abs(fused[i].grad())).item() > 0);
    CHECK(allclose(fused[i].grad(), composed[i].grad(), 1e-12, 1e-12));
  }
}

TEST_CASE("GRU: its registered gradient checks pass, and a second registration is refused") {
  register_gru_checks();
  int found = 0;
  for (const OpCheck& check : op_checks()) {
    if (!check.name.starts_with("gru_")) continue;
    ++found;
    for (std::uint64_t seed : {0, 1}) {
      const GradcheckResult result = run_op_check(check, seed);
      CAPTURE(result.report());
      CHECK(result.passed);
    }
  }
  CHECK(found == 3);
  CHECK_THROWS_WITH_AS(register_gru_checks(), "register_op_check: an op check named 'gru_sequence' is already registered",
                       ArgumentError);
}

TEST_CASE("GRU: the layer's weights, state, outputs and a sequence of length 0") {
  Generator gen(5);
  for (GRUImplementation implementation : {GRUImplementation::fused, GRUImplementation::composed}) {
    GRU gru(3, 4, implementation, gen);
    const auto names = gru.named_parameters();
    REQUIRE(names.size() == 4);
    CHECK(names[0].first == "kernel");
    CHECK(names[0].second.shape() == Shape{3, 12});
    CHECK(names[1].second.shape() == Shape{4, 12});
    CHECK(allclose(gru.input_bias().value(), zeros({12}), 0, 0));
    const Tensor x = gen.normal({2, 5, 3});
    const SequenceLayer::Result result = gru.run(Var(x));
    CHECK(result.outputs.shape() == Shape{2, 5, 4});
    REQUIRE(result.state.size() == 1);
    CHECK(allclose(result.state[0].value(), slice(result.outputs.value(), 1, 4, 5).reshape({2, 4}), 0, 0));
    const Tensor expected = reference_gru({x, zeros({2, 4}), gru.kernel().value(), gru.recurrent_kernel().value(),
                                           gru.input_bias().value(), gru.recurrent_bias().value()},
                                          Tensor());
    CHECK(allclose(result.outputs.value(), expected, 1e-12, 1e-12));
    const Var h0(gen.normal({2, 4}));
    const SequenceLayer::Result empty = gru.run(Var(zeros({2, 0, 3})), {h0});
    CHECK(empty.outputs.shape() == Shape{2, 0, 4});
    CHECK(allclose(empty.state[0].value(), h0.value(), 0, 0));
  }
}

TEST_CASE("GRU: shape mistakes name the op or layer and the shapes") {
  GRU gru(3, 4);
  CHECK_THROWS_WITH_AS(gru.run(Var(zeros({2, 5, 2}))), "GRU: input (2,5,2): need (batch, steps, 3)", ShapeError);
  CHECK_THROWS_WITH_AS(gru.run(Var(zeros({2, 5, 3})), {Var(zeros({3, 4}))}),
                       "GRU: initial state of 1 parts, h (3,4), for input (2,5,3): need one h (2, 4)", ShapeError);
  CHECK_THROWS_WITH_AS(gru.run(Var(zeros({2, 5, 3})), {}, ones({2, 4})),
                       "GRU: mask (2,4) for input (2,5,3): need (2, 5)", ShapeError);
  CHECK_THROWS_WITH_AS(GRU(3, 0), "GRU: units must be at least 1, got 0", ArgumentError);
  const Var x(zeros({2, 5, 3})), h0(zeros({2, 4}));
  CHECK_THROWS_WITH_AS(gru_sequence(x, h0, Var(zeros({2, 12})), Var(zeros({4, 12})), Var(zeros({12})),
                                    Var(zeros({12}))),
                       "gru_sequence: x (2,5,3), kernel (2,12): need x (B, T, I) and kernel (I, 3U)", ShapeError);
  CHECK_THROWS_WITH_AS(gru_sequence(x, h0, Var(zeros({3, 12})), Var(zeros({4, 8})), Var(zeros({12})),
                                    Var(zeros({12}))),
                       "gru_sequence: recurrent (4,8), biases (12) and (12), h0 (2,4): need (4, 12), (12) and (2, 4)",
                       ShapeError);
}

TEST_CASE("GRU: the fused op gives the same bits at 1 and 2 threads") {
  Generator gen(6);
  const std::vector<Tensor> inputs = random_inputs(16, 12, 64, 128, gen);
  std::vector<Tensor> runs;
  const int saved = num_threads();
  set_yield_to_other_programs(false);  // two threads even while other tests run
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Var out;
    const std::vector<Var> v = run_backward(gru_sequence, inputs, Tensor(), out);
    runs.push_back(concat({v[0].grad().reshape({v[0].grad().numel()}), v[3].grad().reshape({v[3].grad().numel()})}, 0));
  }
  set_num_threads(saved);
  set_yield_to_other_programs(true);
  CHECK(allclose(runs[0], runs[1], 0, 0));
}

TEST_CASE("GRU: the translator with GRUs in place of LSTMs learns a tiny copy task") {
  const std::vector<Translation> pairs = {{"ab", "ab"}, {"ba", "ba"}, {"aab", "aab"}, {"bba", "bba"}};
  const Vocabulary chars = shared_vocabulary(pairs, Tokenization::characters);
  Generator gen(1);
  Translator model({.source_vocab = chars.size(), .target_vocab = chars.size(), .embedding = 8, .hidden = 16,
                    .recurrent = gru_layers()},
                   gen);
  CHECK(model.named_parameters()[2].first == "encoder.kernel");
  const std::vector<Real> losses = train_translator(
      model, make_corpus(pairs, chars, chars),
      {.epochs = 150, .batch_size = 4, .learning_rate = 0.02, .decay = 1, .print_every = 1000}, gen);
  CHECK(losses.back() < 0.1 * losses.front());
  CHECK(exact_match(translate_texts(model, sources_of(pairs), chars, chars, 5), pairs) == 1);
}

TEST_CASE("SequenceLayer: the LSTM adapter wants a state of two parts") {
  Generator gen(2);
  const std::unique_ptr<SequenceLayer> lstm = lstm_layers()(3, 4, gen);
  CHECK(lstm->zero_state(2).size() == 2);
  CHECK(lstm->run(Var(zeros({2, 5, 3})), {}, Tensor()).outputs.shape() == Shape{2, 5, 4});
  CHECK_THROWS_WITH_AS(lstm->run(Var(zeros({2, 5, 3})), {Var(zeros({2, 4}))}, Tensor()),
                       "LSTMSequence: a state of 1 parts, need 2 (h, c)", ArgumentError);
}
