// Tutorial 07: the LSTM, gate by gate
//
// A recurrent network reads a sequence one step at a time and carries a
// state from step to step. The plain RNN, h_t = tanh(x_t W + h_{t-1} U + b),
// multiplies the gradient by U and by tanh' at every step back in time, so
// over long sequences it vanishes (or explodes). The LSTM (Hochreiter and
// Schmidhuber, 1997) adds a cell state c that is changed only by addition,
// under the control of gates:
//
//   z = x_t kernel + h_{t-1} recurrent_kernel + bias     four blocks of `units`
//   i = sig(z_i)   input gate:  how much of the candidate to write
//   f = sig(z_f)   forget gate: how much of the old cell to keep
//   g = tanh(z_c)  candidate:   what to write
//   o = sig(z_o)   output gate: how much of the cell to show
//   c_t = f * c_{t-1} + i * g
//   h_t = o * tanh(c_t)
//
// Along c, the gradient is multiplied only by f at each step: with f near 1
// it survives for many steps. That is why Keras starts the forget-gate bias
// at 1 ("unit forget bias").
//
// This tutorial computes one step by hand, watches a gradient travel back
// through time, checks the gradients, races the composed LSTM against the
// fused one, and trains an LSTM on a task that needs memory.
//
// It links the double-precision build of attograd, for the gradient checks.
//
// Run it:  build/tutorials/07_lstm [--quick] [--threads N] [--seed S]
#include "nn/nn.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/heatmap.h"
#include "tutorials/common/narration.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace atto;
using atto::tutorial::section;
using atto::tutorial::largest_difference;

namespace {

// The norm of the gradient reaching each input step, drawn as a bar on a
// log scale: each '#' is a factor of 10^(1/4).
void print_gradient_by_step(const Tensor& grad) {
  const Index steps = grad.dim(1);
  const Tensor norms = sum(grad * grad, 2);  // (1, T), squared norms
  for (Index t = 0; t < steps; t += std::max<Index>(1, steps / 10)) {
    const Real norm = std::sqrt(norms.data()[t]);
    const int bar = std::clamp(static_cast<int>(4 * (std::log10(norm) + 10)), 0, 60);
    fmt::print("    t = {:2}  |dL/dx_t| = {:9.2e}  {}\n", t, norm, std::string(static_cast<std::size_t>(bar), '#'));
  }
}

double milliseconds_per_pass(LSTM& lstm, const Tensor& x, int repeats) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const Var xv(x, true);
    sum(lstm(xv).output).backward();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Remember the first symbol: a sequence of random symbols (one-hot), and the
// answer is whichever symbol came first. Everything after step 0 is noise
// the network must read without forgetting.
struct Recall {
  Tensor inputs;  // (N, T, symbols)
  Tensor answer;  // (N)
};

Recall make_recall(Index count, Index steps, Index symbols, Generator& gen) {
  Recall task{zeros({count, steps, symbols}), Tensor::empty({count})};
  for (Index n = 0; n < count; ++n) {
    for (Index t = 0; t < steps; ++t) task.inputs.at({n, t, gen.randint(symbols)}) = 1;
    task.answer.data()[n] = argmax(slice(slice(task.inputs, 0, n, n + 1), 1, 0, 1).reshape({symbols}), 0).item();
  }
  return task;
}

class Recaller : public Module {
 public:
  Recaller(Index symbols, Index units, Generator& gen)
      : lstm_(symbols, units, {}, gen), readout_(units, {.units = symbols}, gen) {
    register_module("lstm", lstm_);
    register_module("readout", readout_);
  }
  std::string type_name() const override { return "Recaller"; }
  Var forward(const Tensor& inputs) { return readout_(lstm_(Var(inputs)).output); }

  // The input and forget gates (T, units) of each step on one sequence (T, symbols),
  // recomputed from the cell's weights, gate order i, f, g, o.
  std::pair<Tensor, Tensor> gates(const Tensor& sequence) const {
    const LSTMCell& cell = lstm_.cell();
    const Index steps = sequence.dim(0), units = cell.units();
    Tensor input_gate = zeros({steps, units}), forget_gate = zeros({steps, units});
    Tensor h = zeros({1, units}), c = zeros({1, units});
    for (Index t = 0; t < steps; ++t) {
      const Tensor z = matmul(slice(sequence, 0, t, t + 1), cell.kernel().value()) +
                       matmul(h, cell.recurrent_kernel().value()) + cell.bias().value();
      const Tensor i = sigmoid(slice(z, 1, 0, units)), f = sigmoid(slice(z, 1, units, 2 * units));
      const Tensor g = tanh(slice(z, 1, 2 * units, 3 * units)), o = sigmoid(slice(z, 1, 3 * units, 4 * units));
      c = f * c + i * g;
      h = o * tanh(c);
      for (Index u = 0; u < units; ++u) {
        input_gate.at({t, u}) = i.at({0, u});
        forget_gate.at({t, u}) = f.at({0, u});
      }
    }
    return {input_gate, forget_gate};
  }

 private:
  LSTM lstm_;
  Dense readout_;
};

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 07: the LSTM cell, backprop through time, gradient checks, fused vs composed.");
  // The explorer page (full mode or --html): every gradient check below, Jacobian by Jacobian.
  tutorial::ExplorerPage page(options, "Tutorial 07: the LSTM");
  Generator gen(options.seed);

  // ## 1. One step, gate by gate
  section("1. One LSTM step by hand");
  LSTMCell cell(3, 2, gen);
  const Var x(gen.normal({1, 3}));
  const LSTMState state{Var(gen.normal({1, 2})), Var(gen.normal({1, 2}))};
  const Var z = matmul(x, cell.kernel()) + matmul(state.h, cell.recurrent_kernel()) + cell.bias();
  const Var i = sigmoid(slice(z, 1, 0, 2)), f = sigmoid(slice(z, 1, 2, 4));
  const Var g = tanh(slice(z, 1, 4, 6)), o = sigmoid(slice(z, 1, 6, 8));
  const Var c = f * state.c + i * g;
  const Var h = o * tanh(c);
  fmt::print("kernel {} recurrent_kernel {} bias {} (gates i, f, c, o side by side)\n", cell.kernel().shape(),
             cell.recurrent_kernel().shape(), cell.bias().shape());
  fmt::print("bias starts as {}: the forget gate's part is 1\n", cell.bias().value());
  fmt::print("input gate  i = {}\nforget gate f = {}\ncandidate   g = {}\noutput gate o = {}\n", i.value(), f.value(),
             g.value(), o.value());
  fmt::print("c_t = f * c + i * g = {}\nh_t = o * tanh(c_t) = {}\n", c.value(), h.value());
  const LSTMState next = cell(x, state);
  fmt::print("LSTMCell gives the same: largest difference {:.1e} (h) {:.1e} (c)\n",
             largest_difference(next.h.value(), h.value()), largest_difference(next.c.value(), c.value()));

  // ## 2. Backprop through time
  //
  // Unrolled over T steps, the LSTM is one long graph: backward walks it from
  // the loss at the last step to the first input. Nothing special is needed,
  // the graph *is* the unrolled network. How much gradient reaches x_t?
  section("2. Backprop through time: the gradient of h_T with respect to each input");
  const Index steps = 40;
  const Tensor inputs = gen.normal({1, steps, 3});
  std::vector<Real> first_step_gradient;  // |d h_T / d x_0|, per forget-gate bias
  for (Real forget_bias : {1.0, 0.0}) {
    Generator same(options.seed + 7);
    LSTM lstm(3, 16, {.implementation = LSTMImplementation::composed}, same);
    Var bias = lstm.cell().bias();  // a handle on the parameter itself
    for (Index j = 16; j < 32; ++j) bias.mutable_value().data()[j] = forget_bias;
    const Var xs(inputs, true);
    sum(lstm(xs).output).backward();
    fmt::print("  forget-gate bias {}:\n", forget_bias);
    print_gradient_by_step(xs.grad());
    const Tensor first = slice(xs.grad(), 1, 0, 1);
    first_step_gradient.push_back(std::sqrt(sum(first * first).item()));
  }
  fmt::print("  (bars on a log scale, one '#' per quarter decade above 1e-10)\n"
             "  The gradient shrinks going back in time; with the forget-gate bias at 1 it shrinks far less:\n"
             "  at the first step it is {:.1e} with bias 1 against {:.1e} with bias 0.\n",
             first_step_gradient[0], first_step_gradient[1]);

  // ## 3. Gradient checks
  //
  // lstm_sequence is the fused LSTM: forward and a hand-derived backward
  // through time in one op (autograd/ops/fused/lstm.cpp). gradcheck compares its
  // Jacobian, and the composed one's, with finite differences; the mask
  // makes one sequence skip a step and another end early (padding).
  section("3. Gradient checks (double precision, full Jacobian)");
  const Tensor mask = tensor({{1, 0, 1, 1}, {1, 1, 0, 0}});
  const std::vector<Tensor> check_inputs = {gen.normal({2, 4, 3}), gen.normal({2, 2}), gen.normal({2, 2}),
                                            gen.normal({3, 8}),    gen.normal({2, 8}), gen.normal({8})};
  for (bool fused : {true, false}) {
    const GradcheckResult result = gradcheck(
        fused ? "lstm_sequence" : "lstm_sequence_composed",
        [&](const std::vector<Var>& v) {
          return fused ? lstm_sequence(v[0], v[1], v[2], v[3], v[4], v[5], mask)
                       : lstm_sequence_composed(v[0], v[1], v[2], v[3], v[4], v[5], mask);
        },
        check_inputs);
    fmt::print("{}\n", result.report());
    if (!result.passed) return 1;
  }

  // ## 4. Composed vs fused
  //
  // The composed LSTM records about 15 nodes per step; the fused one records
  // one node for the whole sequence, does the input projection of all steps
  // as one matrix product, and sums the weight gradients of all steps in one
  // product after the time loop. Same numbers, far less bookkeeping.
  section("4. Composed vs fused: same answers, different speed");
  const Index batch = 32, length = options.quick ? 16 : 32, input_dim = 32, units = 64;
  Generator gen_a(options.seed + 3), gen_b(options.seed + 3);
  LSTM fused(input_dim, units, {.return_sequences = true}, gen_a);
  LSTM composed(input_dim, units, {.return_sequences = true, .implementation = LSTMImplementation::composed}, gen_b);
  const Tensor sequence = gen.normal({batch, length, input_dim});
  const Var xa(sequence, true), xb(sequence, true);
  const LSTM::Result ra = fused(xa), rb = composed(xb);
  sum(ra.output * ra.output).backward();
  sum(rb.output * rb.output).backward();
  fmt::print("largest difference: outputs {:.1e}, input gradients {:.1e}, recurrent-kernel gradients {:.1e}\n",
             largest_difference(ra.output.value(), rb.output.value()), largest_difference(xa.grad(), xb.grad()),
             largest_difference(fused.cell().recurrent_kernel().grad(), composed.cell().recurrent_kernel().grad()));
  const int repeats = options.quick ? 3 : 9;
  const double fused_ms = milliseconds_per_pass(fused, sequence, repeats);
  const double composed_ms = milliseconds_per_pass(composed, sequence, repeats);
  fmt::print("forward + backward, B={} T={} I={} U={} (double): fused {:.2f} ms, composed {:.2f} ms: {:.1f}x\n",
             batch, length, input_dim, units, fused_ms, composed_ms, composed_ms / fused_ms);
  // The explorer page shows the difference: a small LSTM over 60 steps,
  // composed (about 900 nodes, folded into one box for the layer and one
  // "LSTM step x60" inside it until opened) and fused (one node).
  if (page.enabled()) {
    Generator gen_small(options.seed + 4);
    const Tensor long_sequence = gen_small.normal({2, 60, 4});
    for (const LSTMImplementation implementation : {LSTMImplementation::composed, LSTMImplementation::fused}) {
      Generator init(options.seed + 5);
      LSTM small(4, 8, {.return_sequences = true, .implementation = implementation}, init);
      const Var output = small(Var(long_sequence)).output;
      page.add_graph(fmt::format("an LSTM over 60 steps, {}", implementation == LSTMImplementation::fused ? "fused" : "composed"),
                     sum(output * output), &small);
    }
  }

  // ## 5. A task that needs memory
  section("5. Remember the first symbol");
  const Index symbols = 8, recall_steps = options.quick ? 12 : 30;
  const Recall train = make_recall(options.quick ? 1000 : 3000, recall_steps, symbols, gen);
  const Recall test = make_recall(500, recall_steps, symbols, gen);
  fmt::print("sequences of {} random symbols out of {}; the answer is the first one (chance: {:.1f}%)\n",
             recall_steps, symbols, 100.0 / static_cast<double>(symbols));
  Recaller model(symbols, 32, gen);
  Adam adam(model.parameters(), {.lr = 0.01});
  const Index epochs = options.quick ? 6 : 20;
  Progress progress(epochs, (train.answer.numel() + 63) / 64);
  progress.print_every(options.quick ? 2 : 4);
  for (Index epoch = 0; epoch < epochs; ++epoch) {
    Real total = 0;
    Index batches = 0;
    for (const auto& rows : batch_indices(train.answer.numel(), 64, gen)) {
      const Var loss = cross_entropy(model.forward(take(train.inputs, rows)), take(train.answer, rows));
      adam.zero_grad();
      loss.backward();
      adam.step();
      total += loss.item();
      ++batches;
      progress.batch_done(static_cast<Index>(rows.size()));
    }
    const NoGradGuard no_graph;
    const Real accuracy = mean(equal(argmax(model.forward(test.inputs).value(), 1), test.answer)).item();
    progress.epoch_done(total / static_cast<Real>(batches), accuracy);
  }
  Real held_out = 0;
  {
    const NoGradGuard no_graph;
    held_out = mean(equal(argmax(model.forward(test.inputs).value(), 1), test.answer)).item();
  }
  fmt::print("\n{:.1f}% of {} held-out sequences recalled, against {:.1f}% by chance\n", held_out * 100,
             test.answer.numel(), 100.0 / static_cast<double>(symbols));

  // What the gates do over time, on one held-out sequence: where the input
  // gates open, the cell is written; where the forget gates stay near 1, it
  // is kept. The first step's symbol must be written and then kept.
  {
    const auto [input_gate, forget_gate] = model.gates(slice(test.inputs, 0, 0, 1).reshape({recall_steps, symbols}));
    const Index shown = 16;
    std::vector<std::string> steps, units;
    for (Index t = 0; t < recall_steps; ++t) steps.push_back(fmt::format("t{}", t));
    for (Index u = 0; u < shown; ++u) units.push_back(fmt::format("u{}", u));
    const std::string path = options.output_path("07_gates.svg");
    tutorial::heatmaps_svg(fmt::format("Gates of the trained LSTM on one held-out sequence (answer: symbol {}), first {} units",
                                       static_cast<int>(test.answer.data()[0]), shown),
                           {{"input gate i (writes)", steps, units, slice(input_gate, 1, 0, shown)},
                            {"forget gate f (keeps)", steps, units, slice(forget_gate, 1, 0, shown)}},
                           {.row_title = "time step", .column_title = "units", .value_title = "gate value"})
        .save(path);
    fmt::print("wrote {}\n", path);
  }

  // The headlines: the forget-gate bias of 1 keeps at least 10x more gradient
  // at the first step, and the LSTM carries the first symbol to the end far
  // better than chance.
  const bool bias_helps = first_step_gradient[0] > 10 * first_step_gradient[1];
  const bool remembers = held_out >= 0.5;
  if (!bias_helps) fmt::print("the forget-gate bias of 1 did not keep 10x more gradient at the first step\n");
  if (!remembers) fmt::print("the LSTM recalled under 50% of held-out sequences\n");
  fmt::print("\nnow write the cell's gates, forward and backward through time, yourself: make exercise 10\n");
  page.save("07_lstm");
  return bias_helps && remembers ? 0 : 1;
}
