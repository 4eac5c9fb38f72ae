// Tutorial 11: multi-head self-attention (beyond the article)
//
// The article stops at single attention layers. Transformers stack blocks of
//   h = x + MultiHeadAttention(LayerNorm(x))       (every position reads others)
//   y = h + FeedForward(LayerNorm(h))              (then thinks per position)
// This tutorial trains one such block to reverse sequences of digits: output
// position i must copy input position T-1-i. No single content-based rule
// does that; the block has to route by position, which it learns from
// position embeddings added to the digit embeddings. The per-head attention
// maps show the route it found.
//
// Run it:  build/tutorials/11_multi_head_self_attention [--quick] [--threads N] [--seed S]
#include "nn/nn.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/heatmap.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

using namespace atto;

namespace {

constexpr Index kLength = 8, kDigits = 10, kModel = 32, kHeads = 2;

// (B, T) random digits and their reversal.
std::pair<Tensor, Tensor> make_batch(Index batch, Generator& gen) {
  Tensor digits = Tensor::empty({batch, kLength}), reversed = Tensor::empty({batch, kLength});
  for (Index b = 0; b < batch; ++b) {
    for (Index i = 0; i < kLength; ++i) digits.at({b, i}) = static_cast<Real>(gen.randint(kDigits));
    for (Index i = 0; i < kLength; ++i) reversed.at({b, i}) = digits.at({b, kLength - 1 - i});
  }
  return {digits, reversed};
}

MultiHeadAttentionOptions attention_options() {
  MultiHeadAttentionOptions o;
  o.num_heads = kHeads;
  o.key_dim = kModel / kHeads;
  o.query_features = kModel;
  return o;
}

class Reverser : public Module {
 public:
  explicit Reverser(Generator& gen)
      : digits_(kDigits, kModel, std::nullopt, gen),
        positions_(kLength, kModel, std::nullopt, gen),
        attention_norm_(kModel),
        attention_(attention_options(), gen),
        feed_forward_norm_(kModel),
        expand_(kModel, {.units = 4 * kModel, .activation = Activation::relu}, gen),
        contract_(4 * kModel, {.units = kModel}, gen),
        readout_(kModel, {.units = kDigits}, gen) {
    register_module("digits", digits_);
    register_module("positions", positions_);
    register_module("attention_norm", attention_norm_);
    register_module("attention", attention_);
    register_module("feed_forward_norm", feed_forward_norm_);
    register_module("expand", expand_);
    register_module("contract", contract_);
    register_module("readout", readout_);
  }
  std::string type_name() const override { return "Reverser"; }

  // digits (B, T) -> logits (B, T, 10) and attention weights (B, heads, T, T)
  std::pair<Var, Tensor> forward(const Tensor& digits) {
    const Var x = digits_(digits) + positions_(arange(kLength));  // (B, T, d) + (T, d)
    const Var normed = attention_norm_(x);
    const auto attended = attention_(normed, normed, {.return_attention_scores = true});
    const Var h = x + attended.output;
    const Var y = h + contract_(expand_(feed_forward_norm_(h)));
    return {readout_(y), attended.weights.value()};
  }

 private:
  Embedding digits_, positions_;
  LayerNorm attention_norm_;
  MultiHeadAttention attention_;
  LayerNorm feed_forward_norm_;
  Dense expand_, contract_, readout_;
};

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 11: a multi-head self-attention block learns to reverse digit sequences.");
  Generator gen(options.seed);
  Reverser model(gen);
  fmt::print("{}", model.summary());

  // Fresh random sequences every step: the task has 10^8 inputs, so the
  // model cannot memorise them and must learn the rule.
  const Index steps = options.quick ? 100 : 1500;
  Adam adam(model.parameters(), {0.003});
  Progress progress(steps / 100, 100);
  for (Index step = 1; step <= steps; ++step) {
    const auto [digits, reversed] = make_batch(64, gen);
    const Var loss = cross_entropy(model.forward(digits).first, reversed);
    adam.zero_grad();
    loss.backward();
    adam.step();
    progress.batch_done(64);
    if (step % 100 == 0) progress.epoch_done(loss.item());
  }

  model.eval();
  const NoGradGuard no_graph;
  const auto [digits, reversed] = make_batch(1000, gen);
  const auto [logits, weights] = model.forward(digits);
  const Tensor predicted = argmax(logits.value(), -1);  // (N, T)
  const Real per_digit = mean(equal(predicted, reversed)).item();
  const Real per_sequence = mean(equal(sum(equal(predicted, reversed), 1), full({1}, kLength))).item();
  fmt::print("\nheld-out: {:.1f}% of digits, {:.1f}% of whole sequences reversed correctly\n", per_digit * 100,
             per_sequence * 100);

  fmt::print("\nexample: {} -> ", slice(digits, 0, 0, 1).reshape({kLength}));
  fmt::print("{}\n", slice(predicted, 0, 0, 1).reshape({kLength}));
  // Row i: where output position i looked. Reversal is the anti-diagonal.
  for (Index head = 0; head < kHeads; ++head) {
    fmt::print("\nhead {} (rows: query position, columns: key position)\n      ", head);
    for (Index j = 0; j < kLength; ++j) fmt::print("{:>5}", j);
    fmt::print("\n");
    for (Index i = 0; i < kLength; ++i) {
      fmt::print("  {:>2}  ", i);
      for (Index j = 0; j < kLength; ++j) fmt::print("{:>5.2f}", weights.at({0, head, i, j}));
      fmt::print("\n");
    }
  }
  // The same maps in a picture, one panel per head, the digits on the axes.
  {
    std::vector<std::string> positions;
    for (Index j = 0; j < kLength; ++j) positions.push_back(fmt::format("{}:{}", j, static_cast<int>(digits.at({0, j}))));
    std::vector<tutorial::HeatmapPanel> panels;
    for (Index head = 0; head < kHeads; ++head) {
      panels.push_back({fmt::format("head {}", head), positions, positions,
                        slice(slice(weights, 0, 0, 1), 1, head, head + 1).reshape({kLength, kLength})});
    }
    const std::string path = options.output_path("11_heads.svg");
    tutorial::heatmaps_svg("Where each position looks, per head, reversing one held-out sequence (position:digit)",
                           panels, {.row_title = "query position", .column_title = "key position (attended to)"})
        .save(path);
    fmt::print("\nwrote {}\n", path);
    // The same heads on the explorer page (full mode or --html), a selector between them.
    tutorial::ExplorerPage page(options, "Tutorial 11: multi-head self-attention");
    std::vector<Tensor> heads;
    for (const tutorial::HeatmapPanel& head : panels) heads.push_back(head.values);
    page.add_attention({.title = "reversing one held-out sequence (position:digit)", .rows = positions,
                        .cols = positions, .heads = heads, .row_label = "query position", .col_label = "key position"});
    page.save("11_multi_head_self_attention");
  }
  // The headline: fresh sequences, never seen, reversed whole.
  if (per_sequence < 0.9) fmt::print("\nunder 90% of held-out sequences reversed\n");
  fmt::print("\nnow write the split into heads and the merge yourself: make exercise 12\n");
  return per_sequence >= 0.9 ? 0 : 1;
}
