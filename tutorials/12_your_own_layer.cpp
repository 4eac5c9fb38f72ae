// Tutorial 12: your own layer (a GRU, from the equations to a translator)
//
// The library has an LSTM. Suppose you want a GRU, the LSTM's lighter
// cousin: two gates instead of three, no separate cell state. This tutorial
// adds it the way you would add any layer, without touching the library; all
// of it lives in tutorials/12_your_own_layer/, read in this order:
//
//   gru.h             the equations, and everything the files below define
//   gru_composed.cpp  1. the GRU written with primitives; autograd gives the
//                        backward through time for free
//   gru_sequence.cpp  2. the same GRU as one fused op with a hand-derived backward
//   gru_checks.cpp    3. both in the gradient-check table, beside the library's ops
//   gru_layer.cpp     4. the layer: weights, shape checks, the SequenceLayer
//                        interface that tutorial 09's translator is written against
//
// This file runs each step and shows its evidence, then (5) puts the GRU in
// the translator of tutorial 09 in place of the LSTM and compares the two on
// the date task. Built in double precision, because gradient checks need it.
//
// Run it:  build/tutorials/12_your_own_layer [--quick] [--threads N] [--seed S]
#include "nn/nn.h"
#include "tutorials/12_your_own_layer/gru.h"
#include "tutorials/common/dates.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/narration.h"
#include "tutorials/common/options.h"
#include "tutorials/common/translation_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

using namespace atto;
using namespace atto::tutorial;

namespace {

// The inputs of gru_sequence: x, h0, kernel, recurrent, input bias, recurrent bias.
std::vector<Tensor> gru_inputs(Index batch, Index steps, Index input_dim, Index units, Generator& gen) {
  return {gen.normal({batch, steps, input_dim}), gen.normal({batch, units}),
          gen.normal({input_dim, 3 * units}, 0, 0.3), gen.normal({units, 3 * units}, 0, 0.3),
          gen.normal({3 * units}, 0, 0.1), gen.normal({3 * units}, 0, 0.1)};
}

using Sequence = Var (*)(const Var&, const Var&, const Var&, const Var&, const Var&, const Var&, const Tensor&);

// One forward and backward of sum(h^2); returns the inputs, now holding their gradients.
std::vector<Var> forward_backward(Sequence sequence, const std::vector<Tensor>& inputs, const Tensor& mask,
                                  Var* output = nullptr) {
  std::vector<Var> v;
  for (const Tensor& input : inputs) v.emplace_back(input.clone(), true);
  const Var h = sequence(v[0], v[1], v[2], v[3], v[4], v[5], mask);
  sum(h * h).backward();
  if (output) *output = h;
  return v;
}

double median_milliseconds(Sequence sequence, const std::vector<Tensor>& inputs, int repeats) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    forward_backward(sequence, inputs, Tensor());
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::ranges::sort(times);
  return times[times.size() / 2];
}

struct ScoredModel {
  DateScore score;
  Index parameters;
};

ScoredModel train_on_dates(const SequenceLayerFactory& recurrent, const DateSplits& data, const Vocabulary& chars,
                           const TrainingOptions& training, std::uint64_t seed) {
  Generator gen(seed);
  Translator model({.source_vocab = chars.size(), .target_vocab = chars.size(), .recurrent = recurrent}, gen);
  constexpr Index kDateSteps = 11;  // "yyyy-mm-dd" and <end>
  const auto start = std::chrono::steady_clock::now();
  train_translator(model, make_corpus(data.train, chars, chars), training, gen);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<std::string> predicted = translate_texts(model, sources_of(data.test), chars, chars, kDateSteps);
  return {{exact_match_by_bucket(predicted, data.test), exact_match(predicted, data.test), seconds},
          model.parameter_count()};
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(
      argc, argv, "Tutorial 12: add a GRU, composed then fused, gradient-checked, benchmarked, in a translator.");
  // The explorer page (full mode or --html): every gradient check below, the slip's first.
  ExplorerPage page(options, "Tutorial 12: your own layer, a GRU");
  Generator gen(options.seed);

  // ## 1. Composed from primitives
  //
  // gru_cell_composed is the equations of gru.h and nothing more. Each
  // primitive records its own backward, so the composed GRU can already be
  // trained: the graph of T steps is the backward through time. Is it right?
  // gradcheck compares every entry of the Jacobian with central differences.
  section("1. The composed GRU: the equations, and autograd does the rest");
  const Tensor mask = tensor({{1, 0, 1, 1}, {1, 1, 0, 0}});  // a skipped step; padding at the end
  const std::vector<Tensor> small = gru_inputs(2, 4, 3, 2, gen);
  const GradcheckResult composed_check = gradcheck(
      "gru_sequence_composed",
      [&](const std::vector<Var>& v) { return gru_sequence_composed(v[0], v[1], v[2], v[3], v[4], v[5], mask); },
      small);
  fmt::print("{}\n", composed_check.report());

  // ## 2. Fused: one op, the backward by hand
  //
  // The composed GRU records about 25 nodes per step, each with its own
  // tensor. gru_sequence records one node for the whole sequence; its
  // backward walks the steps in reverse, applying the chain rule to each
  // forward line (quoted above each backward line in gru_sequence.cpp).
  // A hand-derived backward is where bugs live, so it is checked the same way.
  section("2. The fused GRU: one op, a hand-derived backward");
  const GradcheckResult fused_check = gradcheck(
      "gru_sequence",
      [&](const std::vector<Var>& v) { return gru_sequence(v[0], v[1], v[2], v[3], v[4], v[5], mask); }, small);
  fmt::print("{}\n", fused_check.report());

  // ### When a hand-derived backward is wrong
  //
  // A slip of the kind section 2's backward invites: the last line of the
  // step, h_t = z * h + (1 - z) * n, as its own op, with the sign of
  // d(1 - z)/dz dropped where n's gradient is formed. gradcheck fails, its
  // diagnosis names the pattern, and the picture of the Jacobians shows
  // where: the block of input 2 (n) is the mirror image of the numeric one.
  const auto slipped_mix = [](const std::vector<Var>& v) {
    const Tensor z = v[0].value(), h = v[1].value(), n = v[2].value();
    return record("gru_mix_with_a_slip", "h_t = z * h + (1 - z) * n",
                  z * h + (Real(1) - z) * n, {v[0], v[1], v[2]},
                  [z, h, n](const Tensor& g) {
                    return Grads{g * (h - n), g * z, g * (z - Real(1))};  // the slip: should be g * (1 - z)
                  });
  };
  Generator slip_gen(options.seed + 12);  // its own stream: the figures below stay as they were
  const GradcheckResult slip = gradcheck("gru_mix_with_a_slip", slipped_mix,
                                         {slip_gen.uniform({2, 3}, 0, 1), slip_gen.normal({2, 3}), slip_gen.normal({2, 3})});
  fmt::print("\n{}\ndiagnosis: {}\n", slip.report(), slip.diagnosis());
  const std::string slip_picture = options.output_path("12_gru_mix_slip_jacobian.svg");
  write_jacobian_picture(slip, slip_picture);
  fmt::print("wrote {}\n", slip_picture);

  // ## 3. In the gradient-check table, and against the composed version
  //
  // register_op_check puts an op defined anywhere into the same table the
  // `gradcheck` program prints for the library's ops; print_op_check_table
  // runs the rows whose names start with "gru".
  section("3. The gradient-check table, and fused against composed");
  register_gru_checks();
  const OpCheckTally table = print_op_check_table("gru", options.seed);
  // Same inputs through both: the outputs and the gradient of every input
  // and weight must agree to rounding.
  const std::vector<Tensor> medium = gru_inputs(4, 9, 5, 6, gen);
  const Tensor ragged = tensor({{1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0, 0, 0},
                                {1, 1, 0, 1, 1, 1, 1, 1, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0}});
  Var fused_h, composed_h;
  const std::vector<Var> fused_grads = forward_backward(gru_sequence, medium, ragged, &fused_h);
  const std::vector<Var> composed_grads = forward_backward(gru_sequence_composed, medium, ragged, &composed_h);
  Real worst = largest_difference(fused_h.value(), composed_h.value());
  fmt::print("\nB=4 T=9 I=5 U=6 with ragged lengths: outputs differ by {:.1e}\n", worst);
  const char* names[] = {"x", "h0", "kernel", "recurrent", "input_bias", "recurrent_bias"};
  for (std::size_t i = 0; i < fused_grads.size(); ++i) {
    const Real difference = largest_difference(fused_grads[i].grad(), composed_grads[i].grad());
    worst = std::max(worst, difference);
    fmt::print("  gradient of {:<15} differs by {:.1e}\n", names[i], difference);
  }

  // ## 4. Was it worth it?
  //
  // The same forward and backward at tutorial scale, timed (median of runs).
  // The fused op saves the per-step nodes and tensors, does the input
  // projection of all steps as one matrix product, and the weight gradients
  // as one product each after the time loop. Both versions still do the
  // same recurrent products, one per step, and at this size those take most
  // of the time: expect a gain, not a miracle. (build/tests/bench/bench
  // --only gru times a bigger GRU beside PyTorch's nn.GRU.)
  section("4. Fused against composed: forward + backward");
  const Index batch = 32, steps = options.quick ? 16 : 32, input_dim = 32, units = 64;
  const std::vector<Tensor> timing = gru_inputs(batch, steps, input_dim, units, gen);
  const int repeats = options.quick ? 3 : 11;
  const double fused_ms = median_milliseconds(gru_sequence, timing, repeats);
  const double composed_ms = median_milliseconds(gru_sequence_composed, timing, repeats);
  fmt::print("B={} T={} I={} U={} (double), median of {}: fused {:.2f} ms, composed {:.2f} ms: fused is {:.1f}x "
             "faster\n", batch, steps, input_dim, units, repeats, fused_ms, composed_ms, composed_ms / fused_ms);

  // ## 5. In the translator, in place of the LSTM
  //
  // Tutorial 09's translator is written against SequenceLayer (nn/sequence_layer.h):
  // run a sequence from a state, return the outputs and the final state. The
  // GRU implements it, so swapping it in is one line of configuration:
  //   Translator model({..., .recurrent = gru_layers()}, gen);
  // Both models get the same data, seed and budget as tutorial 09.
  section("5. The GRU in tutorial 09's translator");
  // Quick mode as in tutorial 09: a fifth of the data, at twice the learning rate.
  const DateSplits data = make_date_splits(options.quick ? 4000 : 20000, 500, options.quick ? 200 : 500, options.seed);
  const Vocabulary chars = shared_vocabulary(data.train, Tokenization::characters);
  const Index epochs = 3;
  const TrainingOptions training{
      .epochs = epochs, .learning_rate = options.quick ? Real(0.01) : Real(0.005), .print_every = epochs};
  fmt::print("GRU encoder and decoder:\n");
  const ScoredModel gru = train_on_dates(gru_layers(), data, chars, training, options.seed + 1);
  // Quick mode trains the GRU alone: the LSTM beside it is a comparison,
  // not a check, and would double the time (this tutorial runs in double
  // precision, for its gradient checks).
  if (options.quick) {
    fmt::print("\nexact match on {} held-out dates, with attention, {} epochs: GRU {:.1f}% "
               "(the LSTM beside it: full mode only)\n",
               data.test.size(), epochs, 100 * gru.score.all);
  } else {
    fmt::print("LSTM encoder and decoder:\n");
    const ScoredModel lstm = train_on_dates(lstm_layers(), data, chars, training, options.seed + 1);
    fmt::print("\nexact match on {} held-out dates, with attention, {} epochs each:\n", data.test.size(), epochs);
    print_date_scores("LSTM", lstm.score, "GRU", gru.score);
    fmt::print("  {:<16} {:>18} {:>18}\n", "parameters", lstm.parameters, gru.parameters);
  }
  // A GRU has three weight blocks per layer to the LSTM's four: a quarter
  // fewer recurrent parameters, one less gate to compute per step. Which of
  // the two scores higher at this budget changes with the seed (with quick
  // mode's data, seeds 0-2 give the GRU 76.5%, 61.8% and 84.3% against the
  // LSTM's 64.8%, 80.8% and 50.5%): no winner is claimed, only that the
  // layer you wrote learns the task in the translator.
  if (!options.quick) {
    fmt::print("(which of the two scores higher changes with the seed at this budget: no winner is claimed)\n");
  }

  // The headline, beside the checks: the GRU plugged into the translator learns the dates.
  const Real needed = options.quick ? Real(0.4) : Real(0.9);
  const bool gru_learns = gru.score.all >= needed;
  if (!gru_learns) fmt::print("\nthe GRU translator reached {:.1f}%, under the {:.0f}% expected\n",
                              100 * gru.score.all, 100 * needed);
  const bool passed =
      composed_check.passed && fused_check.passed && !slip.passed && table.failed == 0 && worst < 1e-10 && gru_learns;
  page.save("12_your_own_layer");
  fmt::print("\n{}\n", passed ? "every check passed" : "A CHECK FAILED");
  return passed ? 0 : 1;
}
