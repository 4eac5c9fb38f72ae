#include "nn/nn.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

namespace {

Real sigmoid_of(Real z) { return 1 / (1 + std::exp(-z)); }

// Keras's LSTM step by step in plain loops, written from the formulas in
// nn/lstm.h and independent of the library's ops: states (B, T, 2U).
Tensor reference_lstm(const Tensor& x, const Tensor& h0, const Tensor& c0, const LSTMCell& cell, const Tensor& mask) {
  const Index B = x.dim(0), T = x.dim(1), I = x.dim(2), U = cell.units();
  const Tensor &K = cell.kernel().value(), &R = cell.recurrent_kernel().value(), &bias = cell.bias().value();
  Tensor h = h0.clone(), c = c0.clone(), out = zeros({B, T, 2 * U});
  for (Index t = 0; t < T; ++t) {
    for (Index b = 0; b < B; ++b) {
      if (mask.numel() > 0 && mask.at({b, t}) == 0) {
        for (Index j = 0; j < U; ++j) out.at({b, t, j}) = h.at({b, j}), out.at({b, t, U + j}) = c.at({b, j});
        continue;
      }
      std::vector<Real> z(4 * U);
      for (Index g = 0; g < 4 * U; ++g) {
        z[g] = bias.data()[g];
        for (Index i = 0; i < I; ++i) z[g] += x.at({b, t, i}) * K.at({i, g});
        for (Index k = 0; k < U; ++k) z[g] += h.at({b, k}) * R.at({k, g});
      }
      for (Index j = 0; j < U; ++j) {
        const Real i = sigmoid_of(z[j]), f = sigmoid_of(z[U + j]), g = std::tanh(z[2 * U + j]),
                   o = sigmoid_of(z[3 * U + j]);
        c.at({b, j}) = f * c.at({b, j}) + i * g;
        h.at({b, j}) = o * std::tanh(c.at({b, j}));
        out.at({b, t, j}) = h.at({b, j}), out.at({b, t, U + j}) = c.at({b, j});
      }
    }
  }
  return out;
}

// A fused LSTM and a composed one with the same weights.
struct TwinLSTMs {
  TwinLSTMs(Index input_dim, Index units, Generator& gen)
      : fused(input_dim, units, {.return_sequences = true}, gen),
        composed(input_dim, units, {.return_sequences = true, .implementation = LSTMImplementation::composed}, gen) {
    for (std::size_t p = 0; p < 3; ++p) composed.parameters()[p].mutable_value() = fused.parameters()[p].value().clone();
  }
  LSTM fused, composed;
};

}  // namespace

TEST_CASE("LSTM: Keras initialisation and parameter names") {
  Generator gen(1);
  LSTM lstm(3, 4, {}, gen);
  const auto params = lstm.named_parameters();
  REQUIRE(params.size() == 3);
  CHECK(params[0].first == "cell.kernel");
  CHECK(params[1].first == "cell.recurrent_kernel");
  CHECK(params[2].first == "cell.bias");
  CHECK(params[0].second.shape() == Shape{3, 16});
  CHECK(params[1].second.shape() == Shape{4, 16});
  // Unit forget bias: 1 on the f block, 0 elsewhere.
  const Tensor& bias = params[2].second.value();
  for (Index j = 0; j < 16; ++j) CHECK(bias.data()[j] == (j >= 4 && j < 8 ? 1 : 0));
  // The recurrent kernel has orthonormal rows.
  const Tensor& R = params[1].second.value();
  const Tensor gram = matmul(R, R, Transpose::b);
  for (Index i = 0; i < 4; ++i)
    for (Index j = 0; j < 4; ++j) CHECK(gram.at({i, j}) == doctest::Approx(i == j ? 1 : 0).epsilon(1e-12));
  CHECK(lstm.parameter_count() == 3 * 16 + 4 * 16 + 16);
}

TEST_CASE("LSTM: fused and composed match an independent loop, with masks and an initial state") {
  Generator gen(2);
  TwinLSTMs twins(3, 4, gen);
  LSTM &fused = twins.fused, &composed = twins.composed;
  const Tensor x = gen.normal({2, 5, 3}), h0 = gen.normal({2, 4}), c0 = gen.normal({2, 4});
  const Tensor mask = tensor({{1, 1, 0, 1, 1}, {1, 1, 1, 0, 0}});
  const Tensor expected = reference_lstm(x, h0, c0, fused.cell(), mask);
  const Tensor last = slice(expected, 1, 4, 5).reshape({2, 8});
  for (const LSTM* lstm : {&fused, &composed}) {
    const LSTM::Result result = (*lstm)(Var(x), LSTMState{Var(h0), Var(c0)}, mask);
    CHECK(allclose(result.output.value(), slice(expected, 2, 0, 4), 1e-12, 1e-12));
    CHECK(allclose(result.state.h.value(), slice(last, 1, 0, 4), 1e-12, 1e-12));
    CHECK(allclose(result.state.c.value(), slice(last, 1, 4, 8), 1e-12, 1e-12));
  }
  // The second sequence is padded after step 3: its final state is the state
  // after its third step, and so is its output at the padded steps.
  CHECK(allclose(slice(slice(expected, 0, 1, 2), 1, 2, 3), slice(slice(expected, 0, 1, 2), 1, 4, 5), 0, 0));
}

TEST_CASE("LSTM: fused and composed give the same gradients for every input and parameter") {
  Generator gen(3);
  TwinLSTMs twins(3, 5, gen);
  LSTM &fused = twins.fused, &composed = twins.composed;
  const Tensor x = gen.normal({3, 6, 3}), h0 = gen.normal({3, 5}), c0 = gen.normal({3, 5});
  const Tensor weights = gen.normal({3, 6, 5}), mask = tensor({{1, 1, 1, 1, 1, 1}, {1, 0, 1, 1, 0, 1}, {1, 1, 0, 0, 0, 0}});
  std::vector<Tensor> grads[2];
  int which = 0;
  for (const LSTM* lstm : {&fused, &composed}) {
    const Var xv(x, true), hv(h0, true), cv(c0, true);
    const LSTM::Result result = (*lstm)(xv, LSTMState{hv, cv}, mask);
    // Use the sequence and both final states, so every gradient path is exercised.
    (sum(result.output * Var(weights)) + sum(result.state.c) * 0.5).backward();
    grads[which] = {xv.grad(), hv.grad(), cv.grad()};
    for (const Var& p : lstm->parameters()) grads[which].push_back(p.grad());
    ++which;
  }
  for (std::size_t i = 0; i < grads[0].size(); ++i) {
    CAPTURE(i);
    CHECK(max(abs(grads[0][i])).item() > 0);
    CHECK(allclose(grads[0][i], grads[1][i], 1e-12, 1e-12));
  }
}

TEST_CASE("LSTM: input and initial-state gradients pass gradcheck, both implementations") {
  for (LSTMImplementation implementation : {LSTMImplementation::fused, LSTMImplementation::composed}) {
    Generator gen(4);
    LSTM lstm(2, 3, {.return_sequences = true, .implementation = implementation}, gen);
    const GradcheckResult result = gradcheck(
        "LSTM",
        [&](const std::vector<Var>& v) {
          const LSTM::Result r = lstm(v[0], LSTMState{v[1], v[2]}, tensor({{1, 1, 0, 1}, {1, 1, 1, 0}}));
          return concat({reshape(r.output, {2, 12}), r.state.c}, 1);
        },
        {gen.normal({2, 4, 2}), gen.normal({2, 3}), gen.normal({2, 3})});
    CAPTURE(result.report());
    CHECK(result.passed);
  }
}

TEST_CASE("LSTM: return_sequences, the final state, LSTMCell and a sequence of length 0") {
  Generator gen(5);
  LSTM lstm(3, 4, {}, gen);
  const Tensor x = gen.normal({2, 6, 3});
  const LSTM::Result result = lstm(Var(x));
  CHECK(result.output.shape() == Shape{2, 4});
  CHECK(allclose(result.output.value(), result.state.h.value(), 0, 0));
  // Stepping the cell by hand from zeros gives the same final state.
  LSTMState state = lstm.cell().zero_state(2);
  for (Index t = 0; t < 6; ++t) state = lstm.cell()(Var(slice(x, 1, t, t + 1).reshape({2, 3})), state);
  CHECK(allclose(state.h.value(), result.state.h.value(), 1e-12, 1e-12));
  CHECK(allclose(state.c.value(), result.state.c.value(), 1e-12, 1e-12));
  // Empty sequences: nothing happens, the initial state comes back.
  const LSTMState start{Var(ones({2, 4})), Var(full({2, 4}, 2))};
  const LSTM::Result empty = lstm(Var(zeros({2, 0, 3})), start);
  CHECK(allclose(empty.state.c.value(), full({2, 4}, 2), 0, 0));
  LSTM sequences(3, 4, {.return_sequences = true}, gen);
  CHECK(sequences(Var(zeros({2, 0, 3}))).output.shape() == Shape{2, 0, 4});
}

TEST_CASE("LSTM: shape mistakes name the layer and the shapes") {
  Generator gen(6);
  LSTM lstm(3, 4, {}, gen);
  CHECK_THROWS_WITH_AS(lstm(Var(zeros({2, 5, 2}))), "LSTM: input (2,5,2): need (batch, steps, 3)", ShapeError);
  CHECK_THROWS_WITH_AS(lstm(Var(zeros({5, 3}))), "LSTM: input (5,3): need (batch, steps, 3)", ShapeError);
  CHECK_THROWS_WITH_AS(lstm(Var(zeros({2, 5, 3})), LSTMState{Var(zeros({2, 3})), Var(zeros({2, 4}))}),
                       "LSTM: initial state h (2,3), c (2,4) for input (2,5,3): need (2, 4) each", ShapeError);
  CHECK_THROWS_WITH_AS(lstm(Var(zeros({2, 5, 3})), std::nullopt, ones({2, 4})),
                       "LSTM: mask (2,4) for input (2,5,3): need (2, 5)", ShapeError);
  CHECK_THROWS_WITH_AS(lstm.cell()(Var(zeros({2, 3})), lstm.cell().zero_state(3)),
                       "LSTMCell: x (2,3), h (3,4), c (3,4): need x (B, 3) and h, c (B, 4)", ShapeError);
  CHECK_THROWS_WITH_AS(LSTM(3, 0), "LSTMCell: units must be at least 1, got 0", ArgumentError);
  CHECK_THROWS_WITH_AS(lstm_sequence(Var(zeros({2, 5, 3})), Var(zeros({2, 4})), Var(zeros({2, 4})),
                                     Var(zeros({3, 16})), Var(zeros({4, 16})), Var(zeros({16})), ones({5, 2})),
                       "lstm_sequence: mask (5,2) for x (2,5,3): need (B, T) = (2, 5)", ShapeError);
}

TEST_CASE("LSTM: the fused op gives the same bits at 1 and 2 threads") {
  Generator gen(7);
  LSTM lstm(64, 128, {.return_sequences = true}, gen);
  const Tensor x = gen.normal({20, 12, 64});  // batch rows in blocks of 8, 8 and 4
  std::vector<Tensor> runs;
  const int saved = num_threads();
  set_yield_to_other_programs(false);  // two threads even while other tests run
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    lstm.zero_grad();
    const Var xv(x, true);
    const Var y = lstm(xv).output;
    sum(y * y).backward();
    const Tensor& dr = lstm.cell().recurrent_kernel().grad();
    runs.push_back(concat({xv.grad().reshape({x.numel()}), dr.reshape({dr.numel()})}, 0));
  }
  set_num_threads(saved);
  set_yield_to_other_programs(true);
  CHECK(allclose(runs[0], runs[1], 0, 0));
}
