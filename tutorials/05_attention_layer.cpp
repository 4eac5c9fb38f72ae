// Tutorial 05: the Keras-style Attention layer (the article's section 2.1.1)
//
// The article's image example applies `Attention(use_scale=True)` as
// self-attention (query = value) to features shaped (batch, seq_len,
// feature_dim). This tutorial uses attograd's `Attention`, which follows
// Keras exactly, and looks at what its options do:
//   * use_scale: Keras does NOT divide by sqrt(d); it learns a scalar that
//     starts at 1. We train one and watch it find 1/sqrt(d) by itself;
//   * causal and padding masks, with the weight matrices printed;
//   * dot vs concat scores.
//
// Run it:  build/tutorials/05_attention_layer [--quick] [--seed S]
#include "nn/nn.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/heatmap.h"
#include "tutorials/common/narration.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using atto::tutorial::section;

namespace {

void print_weights(const char* title, const Tensor& weights) {
  fmt::print("{}\n", title);
  const Index tq = weights.shape()[1], tv = weights.shape()[2];
  fmt::print("       ");
  for (Index j = 0; j < tv; ++j) fmt::print("   key{}", j);
  fmt::print("\n");
  for (Index i = 0; i < tq; ++i) {
    fmt::print("  q{}   ", i);
    for (Index j = 0; j < tv; ++j) fmt::print(" {:6.3f}", weights.at({0, i, j}));
    fmt::print("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 05: Keras's Attention layer: learned scale, masks, dot vs concat scores.");
  Generator gen(options.seed);
  const Index d = 64, seq_len = 5;

  // ## 1. use_scale learns the scale
  //
  // Targets come from attention with the textbook scale 1/sqrt(64) = 0.125.
  // A Keras-style layer with use_scale=True starts at scale 1 (scores 8x too
  // large, softmax nearly one-hot) and learns the scale by gradient descent
  // like any other weight. (Queries and keys are different sequences here:
  // in pure self-attention each item's score with itself, |x|^2 ~ d, swamps
  // the others at any scale near 1 and there is little to learn from.)
  section("1. use_scale=True: a learned scalar, not 1/sqrt(d)");
  const Index examples = 64;
  const Tensor queries = gen.normal({examples, seq_len, d}), keys = gen.normal({examples, seq_len, d});
  const Tensor values = gen.normal({examples, seq_len, d});
  const Real textbook = 1 / std::sqrt(static_cast<Real>(d));
  Tensor target;
  {
    const NoGradGuard no_graph;
    target = scaled_dot_product_attention(Var(queries), Var(keys), Var(values), textbook).value();
  }
  Attention layer({.use_scale = true});
  Var scale = layer.named_parameters()[0].second;
  Adam adam(layer.parameters(), {0.05});
  const int steps = options.quick ? 120 : 200;
  for (int step = 0; step <= steps; ++step) {
    const Var loss = mse_loss(layer(Var(queries), Var(values), {.key = Var(keys)}).output, target);
    if (step % (steps / 4) == 0) {
      fmt::print("step {:>3}: loss {:.5f}, learned scale {:.4f}\n", step, loss.item(), scale.item());
    }
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  fmt::print("1/sqrt(d) = {:.4f}: the layer found it from the data\n", textbook);

  // ## 2. Masks
  //
  // Self-attention over a sequence of 5 items where the last 2 are padding.
  // value_mask stops every query from looking at padding; causal lets query
  // i see keys 0..i only (no peeking at the future). Masked scores get 1e9
  // subtracted (Keras's rule), so their weights are 0.
  section("2. Causal and padding masks");
  const Tensor seq = Generator(options.seed + 1).normal({1, seq_len, 4});
  Attention plain;
  print_weights("no mask:", plain(Var(seq), Var(seq)).weights.value());
  const Tensor padding = tensor({{1, 1, 1, 0, 0}});
  print_weights("\nvalue_mask = [1 1 1 0 0] (last two are padding):",
                plain(Var(seq), Var(seq), {.value_mask = padding}).weights.value());
  print_weights("\ncausal:", plain(Var(seq), Var(seq), {.use_causal_mask = true}).weights.value());
  const auto both = plain(Var(seq), Var(seq), {.query_mask = padding, .value_mask = padding, .use_causal_mask = true});
  print_weights("\ncausal + padding, with query_mask zeroing the padded queries' outputs:", both.weights.value());
  fmt::print("output rows of the padded queries: {}\n", slice(both.output.value(), 1, 3, 5));
  // The four weight matrices side by side: what each mask takes away.
  {
    const std::vector<std::string> queries = {"q0", "q1", "q2", "q3", "q4"}, keys = {"key0", "key1", "key2", "key3", "key4"};
    const auto panel = [&](const char* caption, const Tensor& weights) {
      return tutorial::HeatmapPanel{caption, queries, keys, weights.reshape({seq_len, seq_len})};
    };
    const std::string path = options.output_path("05_masks.svg");
    const std::vector<tutorial::HeatmapPanel> panels = {
        panel("no mask", plain(Var(seq), Var(seq)).weights.value()),
        panel("value_mask", plain(Var(seq), Var(seq), {.value_mask = padding}).weights.value()),
        panel("causal", plain(Var(seq), Var(seq), {.use_causal_mask = true}).weights.value()),
        panel("causal + value_mask", both.weights.value())};
    tutorial::heatmaps_svg("Attention weights of one sequence under each mask (key3 and key4 are padding)", panels,
                           {.row_title = "queries", .column_title = "keys (attended to)", .value_title = "attention weight"})
        .save(path);
    fmt::print("wrote {}\n", path);
    // The same four on the explorer page (full mode or --html), a map each.
    tutorial::ExplorerPage page(options, "Tutorial 05: the Keras Attention layer");
    for (const tutorial::HeatmapPanel& shown : panels) {
      page.add_attention({.title = std::string("one sequence, ") + shown.caption, .rows = queries, .cols = keys,
                          .heads = {shown.values}, .row_label = "query", .col_label = "key"});
    }
    page.save("05_attention_layer");
  }

  // ## 3. dot vs concat scores
  //
  // score_mode="dot" compares q and k by their dot product (Luong);
  // "concat" scores sum_k tanh(q_k + k_k) (a parameter-free Bahdanau form).
  // tanh bounds each term, so concat scores stay within +-d and are less
  // peaked on the same input.
  section("3. dot vs concat scores on the same sequence");
  Attention concat({.score_mode = AttentionScore::concat});
  print_weights("dot:", plain(Var(seq), Var(seq)).weights.value());
  print_weights("\nconcat:", concat(Var(seq), Var(seq)).weights.value());
  // The headline: the scale learned from data lands on 1/sqrt(d).
  const bool found = std::abs(scale.item() - textbook) < 0.02;
  if (!found) fmt::print("\nthe learned scale {:.4f} missed 1/sqrt(d) = {:.4f} by more than 0.02\n", scale.item(), textbook);
  fmt::print("\nnow write Keras's Attention with its masks yourself: make exercise 9\n");
  return found ? 0 : 1;
}
