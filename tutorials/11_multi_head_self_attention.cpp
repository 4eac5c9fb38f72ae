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
// The explorer page (full mode or --html) replays the training: every few
// steps a probe sequence's maps, one per head, side by side. The route
// appears in them: from random maps to the anti-diagonal, each output
// position reading the input it copies (checked below). Do the two heads
// specialise? Not here: one route does the whole task, and with most seeds
// both heads learn it, ending closer to each other than they started; with
// the default seed one head carries it alone and the other only in part.
// The run reports how far apart they end, and checks only the route.
//
// Run it:  build/tutorials/11_multi_head_self_attention [--quick] [--threads N] [--seed S]
#include "nn/nn.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/heatmap.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>

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

  // The queries and keys behind the attention weights of `digits` (B, T).
  MultiHeadAttention::Vectors vectors(const Tensor& digits) {
    const NoGradGuard no_graph;
    const Tensor normed = attention_norm_(digits_(digits) + positions_(arange(kLength))).value();
    return attention_.query_key_vectors(normed, normed);
  }

 private:
  Embedding digits_, positions_;
  LayerNorm attention_norm_;
  MultiHeadAttention attention_;
  LayerNorm feed_forward_norm_;
  Dense expand_, contract_, readout_;
};

// A fixed held-out sequence, looked at every few steps while training.
constexpr std::array<int, kLength> kProbe = {3, 1, 4, 1, 5, 9, 2, 6};

// How far apart two heads' maps are: the total variation distance between
// their rows, averaged (0: the same weights; 1: no position in common).
Real head_difference(const Tensor& a, const Tensor& b) {
  return sum(abs(a - b)).item() / (2 * static_cast<Real>(a.dim(0)));
}

// The share of a map's weight on the reversal's route, the anti-diagonal:
// 1/8 for uniform weights, 1 when every position reads the one it copies.
Real on_route(const Tensor& map) {
  Real total = 0;
  for (Index i = 0; i < kLength; ++i) total += map.at({i, kLength - 1 - i});
  return total / static_cast<Real>(kLength);
}

// A map of one sequence with the queries and keys behind its weights, per
// head, for the page to show under a clicked weight.
AttentionMap with_vectors(AttentionMap map, const MultiHeadAttention::Vectors& vectors) {
  for (Index head = 0; head < kHeads; ++head) {
    map.queries.push_back(slice(vectors.queries, 1, head, head + 1).reshape({kLength, kModel / kHeads}));
    map.keys.push_back(slice(vectors.keys, 1, head, head + 1).reshape({kLength, kModel / kHeads}));
  }
  map.scale = vectors.scale;
  return map;
}

// The probe through the model: its heads' maps, their weight on the route
// and how far apart they are, and its loss, whose graph the timeline reads
// the layers' stuck units from.
Var probe(Reverser& model, Timeline& timeline) {
  Tensor digits = Tensor::empty({1, kLength}), reversed = Tensor::empty({1, kLength});
  for (Index i = 0; i < kLength; ++i) {
    digits.at({0, i}) = static_cast<Real>(kProbe[static_cast<std::size_t>(i)]);
    reversed.at({0, i}) = static_cast<Real>(kProbe[static_cast<std::size_t>(kLength - 1 - i)]);
  }
  const auto [logits, weights] = model.forward(digits);
  std::vector<std::string> positions;
  for (Index j = 0; j < kLength; ++j) positions.push_back(fmt::format("{}:{}", j, kProbe[static_cast<std::size_t>(j)]));
  std::vector<Tensor> heads;
  for (Index head = 0; head < kHeads; ++head) heads.push_back(slice(weights, 1, head, head + 1).reshape({kLength, kLength}));
  timeline.add_map(with_vectors({.title = "attention", .rows = positions, .cols = positions, .heads = heads,
                                 .row_label = "query position", .col_label = "key position"},
                                model.vectors(digits)));
  for (Index head = 0; head < kHeads; ++head) {
    timeline.add_scalar(fmt::format("probe: head {} on the route", head), on_route(heads[static_cast<std::size_t>(head)]));
  }
  timeline.add_scalar("probe: head 0 against head 1", head_difference(heads[0], heads[1]));
  return cross_entropy(logits, reversed);
}

// Adam on fresh random sequences (10^8 of them: the model cannot memorise
// them and must learn the rule), each step seen by the recorder.
void train(Reverser& model, Index steps, Real learning_rate, Generator& gen, TimelineRecorder& recorder) {
  Adam adam(model.parameters(), {learning_rate});
  Progress progress(steps / 100, 100);
  for (Index step = 0; step < steps; ++step) {
    const auto [digits, reversed] = make_batch(64, gen);
    const Var loss = cross_entropy(model.forward(digits).first, reversed);
    adam.zero_grad();
    loss.backward();
    recorder.before_update(step);
    adam.step();
    recorder.after_update(step, {{"training loss", loss.item()}});
    progress.batch_done(64);
    if ((step + 1) % 100 == 0) progress.epoch_done(loss.item());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 11: a multi-head self-attention block learns to reverse digit sequences.");
  Generator gen(options.seed);
  Reverser model(gen);
  fmt::print("{}", model.summary());

  // The training, recorded: fifty snapshots (a hundred in full mode) of the
  // losses, the update sizes, the layers' stuck units and the probe's maps.
  tutorial::ExplorerPage page(options, "Tutorial 11: multi-head self-attention");
  const Index steps = options.quick ? 100 : 1500;
  Generator held_out_gen(options.seed + 5);
  const auto [held_out_digits, held_out_reversed] = make_batch(32, held_out_gen);
  const auto held_out_accuracy = [&] {
    const Tensor predicted = argmax(model.forward(held_out_digits).first.value(), -1);
    return Scalars{{"held-out digits right", mean(equal(predicted, held_out_reversed)).item()}};
  };
  Timeline timeline("reversing digits: the training replayed");
  TimelineRecorder recorder(timeline, model,
                            {.steps = steps, .snapshots = options.quick ? 50 : 100, .graphs = page.enabled() ? 3 : 0,
                             .probe = [&](Timeline& t) { return probe(model, t); }, .held_out = held_out_accuracy});
  const auto start = std::chrono::steady_clock::now();
  train(model, steps, 0.003, gen, recorder);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // What the timeline shows: the route appears. The heads' maps start
  // random (the position embeddings are), and the one closer to the route
  // ends on it; how far apart the heads end is reported, not checked.
  const auto best_on_route = [](const Snapshot& s) {
    return std::max(on_route(s.maps[0].heads[0]), on_route(s.maps[0].heads[1]));
  };
  const auto heads_apart = [](const Snapshot& s) { return head_difference(s.maps[0].heads[0], s.maps[0].heads[1]); };
  const Snapshot &first = timeline.snapshots().front(), &last = timeline.snapshots().back();
  const bool route_learned = best_on_route(first) < 0.3 && best_on_route(last) > 0.8;
  fmt::print("\ntimeline: {} snapshots; the probe's head nearest the route puts {:.2f} of its weight on it at step 0 "
             "and {:.2f} at step {} (expected under 0.3, then over 0.8); the heads are {:.2f} apart at step 0 and "
             "{:.2f} at the end (total variation, 0: the same maps, 1: nothing in common); recording took {:.1f}% of the "
             "training time\n",
             timeline.snapshots().size(), best_on_route(first), best_on_route(last), last.step, heads_apart(first),
             heads_apart(last), 100 * recorder.seconds() / (seconds - recorder.seconds()));
  timeline.set_note(fmt::format(
      "What to look for: the grid holds the probe's two heads side by side. At step 0 their maps are random; then "
      "the route appears, the anti-diagonal where each output position reads the input it copies: the head nearest "
      "it puts {:.2f} of its weight there at step 0 and {:.2f} at the end (the run checks under 0.3, then over "
      "0.8). Do the heads specialise? Not on this task, which one route solves: they are {:.2f} apart at step 0 and "
      "{:.2f} at the end (0: the same maps, 1: nothing in common). With most seeds both learn the route and end "
      "closer than they started; with the default seed one carries it and the other only in part.",
      best_on_route(first), best_on_route(last), heads_apart(first), heads_apart(last)));

  page.add_timeline(timeline);

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
    std::vector<Tensor> heads;
    for (const tutorial::HeatmapPanel& head : panels) heads.push_back(head.values);
    page.add_attention(with_vectors({.title = "reversing one held-out sequence (position:digit)", .rows = positions,
                                     .cols = positions, .heads = heads, .row_label = "query position",
                                     .col_label = "key position"},
                                    model.vectors(slice(digits, 0, 0, 1))));
    page.save("11_multi_head_self_attention");
  }
  // The headline: fresh sequences, never seen, reversed whole.
  if (per_sequence < 0.9) fmt::print("\nunder 90% of held-out sequences reversed\n");
  if (!route_learned) fmt::print("\nthe probe's maps did not find the route\n");
  fmt::print("\nnow write the split into heads and the merge yourself: make exercise 12\n");
  return per_sequence >= 0.9 && route_learned ? 0 : 1;
}
