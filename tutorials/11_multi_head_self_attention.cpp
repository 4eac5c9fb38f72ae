// Tutorial 11: multi-head self-attention (beyond the article)
//
// The article stops at single attention layers. Transformers stack blocks of
//   h = x + MultiHeadAttention(LayerNorm(x))       (every position reads others)
//   y = h + FeedForward(LayerNorm(h))              (then thinks per position)
// This tutorial trains one such block on sequences of 8 digits, where
// output position i names two digits: the one at the mirrored position
// T-1-i (read in turn, they are the sequence reversed) and the one at the
// next position, i+1 (the last position wraps round to the first). No
// content-based rule finds either; the block has to route by position,
// which it learns from position embeddings added to the digit embeddings.
//
// Does the task need two heads? No: the same block with one head of width
// 32 also names every held-out digit right (seeds 0 to 4, 300 steps). Its
// one softmax row can weigh both positions, and the values it averages
// carry their positions, so which digit came from which route is not lost.
// What a second head offers is a division of the work, one route each.
// Do the two heads divide it? The explorer page (full mode or --html) replays
// the training: every few steps a probe sequence's maps, one per head, side
// by side. From random maps one head moves to the anti-diagonal (the
// mirror) and the other to the diagonal above the main one, wrapping to
// column 0 in the last row (the next digit): the heads specialise, and the
// run checks that they end on different routes, far apart. (The two routes
// meet in two rows, 3 and 7, so heads that follow them exactly are 0.75
// apart, not 1.)
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
constexpr Index kFullSteps = 1500, kQuickSteps = 300;
constexpr Real kLearningRate = 0.003;
// How far apart the heads' maps must end (total variation, 0 to 1).
constexpr Real kApartAtEnd = 0.6;

// The two routes: where output position i reads its two digits.
constexpr int kRoutes = 2;
constexpr std::array<const char*, kRoutes> kRouteNames = {"mirror", "next"};
Index route_source(int route, Index i) { return route == 0 ? kLength - 1 - i : (i + 1) % kLength; }

// (B, T) random digits and (B, T, 2) what each position must name: the
// digit at its mirrored position and the one at the next position.
std::pair<Tensor, Tensor> make_batch(Index batch, Generator& gen) {
  Tensor digits = Tensor::empty({batch, kLength}), targets = Tensor::empty({batch, kLength, kRoutes});
  for (Index b = 0; b < batch; ++b) {
    for (Index i = 0; i < kLength; ++i) digits.at({b, i}) = static_cast<Real>(gen.randint(kDigits));
    for (Index i = 0; i < kLength; ++i) {
      for (int route = 0; route < kRoutes; ++route) targets.at({b, i, route}) = digits.at({b, route_source(route, i)});
    }
  }
  return {digits, targets};
}

MultiHeadAttentionOptions attention_options() {
  MultiHeadAttentionOptions o;
  o.num_heads = kHeads;
  o.key_dim = kModel / kHeads;
  o.query_features = kModel;
  return o;
}

class TwoLookups : public Module {
 public:
  explicit TwoLookups(Generator& gen)
      : digits_(kDigits, kModel, std::nullopt, gen),
        positions_(kLength, kModel, std::nullopt, gen),
        attention_norm_(kModel),
        attention_(attention_options(), gen),
        feed_forward_norm_(kModel),
        expand_(kModel, {.units = 4 * kModel, .activation = Activation::relu}, gen),
        contract_(4 * kModel, {.units = kModel}, gen),
        readout_(kModel, {.units = kRoutes * kDigits}, gen) {
    register_module("digits", digits_);
    register_module("positions", positions_);
    register_module("attention_norm", attention_norm_);
    register_module("attention", attention_);
    register_module("feed_forward_norm", feed_forward_norm_);
    register_module("expand", expand_);
    register_module("contract", contract_);
    register_module("readout", readout_);
  }
  std::string type_name() const override { return "TwoLookups"; }

  // digits (B, T) -> logits (B, T, 2, 10), a digit per route, and attention weights (B, heads, T, T)
  std::pair<Var, Tensor> forward(const Tensor& digits) {
    const Var x = digits_(digits) + positions_(arange(kLength));  // (B, T, d) + (T, d)
    const Var normed = attention_norm_(x);
    const auto attended = attention_(normed, normed, {.return_attention_scores = true});
    const Var h = x + attended.output;
    const Var y = h + contract_(expand_(feed_forward_norm_(h)));
    const Var logits = readout_(y);
    return {reshape(logits, {logits.shape()[0], kLength, kRoutes, kDigits}), attended.weights.value()};
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

// Cross-entropy over every (position, route) pair: logits (B, T, 2, 10)
// against targets (B, T, 2), as (B, 2T) predictions of one digit each.
Var loss_of(const Var& logits, const Tensor& targets) {
  const Index batch = targets.dim(0);
  return cross_entropy(reshape(logits, {batch, kLength * kRoutes, kDigits}), targets.reshape({batch, kLength * kRoutes}));
}

// A fixed held-out sequence, looked at every few steps while training.
constexpr std::array<int, kLength> kProbe = {3, 1, 4, 1, 5, 9, 2, 6};

// How far apart two heads' maps are: the total variation distance between
// their rows, averaged (0: the same weights; 1: no position in common).
Real head_difference(const Tensor& a, const Tensor& b) {
  return sum(abs(a - b)).item() / (2 * static_cast<Real>(a.dim(0)));
}

// The share of a map's weight on a route (the mirror's anti-diagonal, the
// next digit's diagonal above the main one): 1/8 for uniform weights, 1 when
// every position reads the one the route names.
Real on_route(const Tensor& map, int route) {
  Real total = 0;
  for (Index i = 0; i < kLength; ++i) total += map.at({i, route_source(route, i)});
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

// The probe through the model: its heads' maps, each head's weight on each
// route and how far apart the heads are, and its loss, whose graph the
// timeline reads the layers' stuck units from.
Var probe(TwoLookups& model, Timeline& timeline) {
  Tensor digits = Tensor::empty({1, kLength}), targets = Tensor::empty({1, kLength, kRoutes});
  for (Index i = 0; i < kLength; ++i) digits.at({0, i}) = static_cast<Real>(kProbe[static_cast<std::size_t>(i)]);
  for (Index i = 0; i < kLength; ++i) {
    for (int route = 0; route < kRoutes; ++route) targets.at({0, i, route}) = digits.at({0, route_source(route, i)});
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
    for (int route = 0; route < kRoutes; ++route) {
      timeline.add_scalar(fmt::format("probe: head {} on the {} route", head, kRouteNames[route]),
                          on_route(heads[static_cast<std::size_t>(head)], route));
    }
  }
  timeline.add_scalar("probe: head 0 against head 1", head_difference(heads[0], heads[1]));
  return loss_of(logits, targets);
}

// Adam on fresh random sequences (10^8 of them: the model cannot memorise
// them and must learn the rule), each step seen by the recorder.
void train(TwoLookups& model, Index steps, Real learning_rate, Generator& gen, TimelineRecorder& recorder) {
  Adam adam(model.parameters(), {learning_rate});
  Progress progress(steps / 100, 100);
  for (Index step = 0; step < steps; ++step) {
    const auto [digits, targets] = make_batch(64, gen);
    const Var loss = loss_of(model.forward(digits).first, targets);
    adam.zero_grad();
    loss.backward();
    recorder.before_update(step);
    adam.step();
    recorder.after_update(step, {{"training loss", loss.item()}});
    progress.batch_done(64);
    if ((step + 1) % 100 == 0) progress.epoch_done(loss.item());
  }
}

// Which head carries a route in a snapshot (the one with most weight on
// it), and how much weight that is.
std::pair<Index, Real> carrier(const Snapshot& s, int route) {
  const Real on0 = on_route(s.maps[0].heads[0], route), on1 = on_route(s.maps[0].heads[1], route);
  return on0 >= on1 ? std::pair{Index{0}, on0} : std::pair{Index{1}, on1};
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 11: a multi-head self-attention block learns two routes through digit sequences.");
  Generator gen(options.seed);
  TwoLookups model(gen);
  fmt::print("{}", model.summary());

  // The training, recorded: 25 snapshots and the last step's (a hundred and
  // the last in full mode) of the losses, the update sizes, the layers'
  // stuck units and the probe's maps.
  tutorial::ExplorerPage page(options, "Tutorial 11: multi-head self-attention");
  const Index steps = options.quick ? kQuickSteps : kFullSteps;
  Generator held_out_gen(options.seed + 5);
  const auto [held_out_digits, held_out_targets] = make_batch(32, held_out_gen);
  const auto held_out_accuracy = [&] {
    const Tensor predicted = argmax(model.forward(held_out_digits).first.value(), -1);
    return Scalars{{"held-out digits right", mean(equal(predicted, held_out_targets)).item()}};
  };
  Timeline timeline("two routes through digits: the training replayed");
  TimelineRecorder recorder(timeline, model,
                            {.steps = steps, .snapshots = options.quick ? 25 : 100, .graphs = page.enabled() ? 3 : 0,
                             .probe = [&](Timeline& t) { return probe(model, t); }, .held_out = held_out_accuracy});
  const auto start = std::chrono::steady_clock::now();
  train(model, steps, kLearningRate, gen, recorder);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // What the timeline shows: the routes appear, one per head. The heads'
  // maps start random (the position embeddings are); by the end each route
  // has a head of its own, and the heads are far apart.
  const auto heads_apart = [](const Snapshot& s) { return head_difference(s.maps[0].heads[0], s.maps[0].heads[1]); };
  const Snapshot &first = timeline.snapshots().front(), &last = timeline.snapshots().back();
  const auto [mirror_head, mirror_end] = carrier(last, 0);
  const auto [next_head, next_end] = carrier(last, 1);
  const Real mirror_start = carrier(first, 0).second, next_start = carrier(first, 1).second;
  const bool routes_learned = mirror_start < 0.3 && next_start < 0.3 && mirror_end > 0.8 && next_end > 0.8;
  const bool heads_specialised = mirror_head != next_head && heads_apart(last) > kApartAtEnd;
  fmt::print("\ntimeline: {} snapshots; the head nearest each route puts on it, at step 0 and at step {}: mirror "
             "{:.2f} -> {:.2f} (head {}), next {:.2f} -> {:.2f} (head {}) (expected under 0.3, then over 0.8, on "
             "different heads); the heads are {:.2f} apart at step 0 and {:.2f} at the end (total variation, 0: the "
             "same maps, 1: nothing in common, 0.75 for these two routes exactly; expected over {} at the end); "
             "recording took {:.1f}% of the training time\n",
             timeline.snapshots().size(), last.step, mirror_start, mirror_end, mirror_head, next_start, next_end,
             next_head, heads_apart(first), heads_apart(last), kApartAtEnd,
             100 * recorder.seconds() / (seconds - recorder.seconds()));
  timeline.set_note(fmt::format(
      "What to look for: the grid holds the probe's two heads side by side. At step 0 their maps are random; then "
      "the routes appear, one per head: the anti-diagonal, where each position reads its mirror (head {}: {:.2f} of "
      "its weight there at step 0, {:.2f} at the end), and the diagonal above the main one, where each position "
      "reads the next digit (head {}: {:.2f}, then {:.2f}). The heads specialise: {:.2f} apart at step 0, {:.2f} at "
      "the end (0: the same maps, 1: nothing in common; the two routes meet in rows 3 and 7, so 0.75 is as far as "
      "they can be). The run checks each route under 0.3 at the start and over 0.8 at the end, on different "
      "heads, and the heads over {} apart at the end.",
      mirror_head, mirror_start, mirror_end, next_head, next_start, next_end, heads_apart(first), heads_apart(last),
      kApartAtEnd));

  page.add_timeline(timeline);

  model.eval();
  const NoGradGuard no_graph;
  const auto [digits, targets] = make_batch(1000, gen);
  const auto [logits, weights] = model.forward(digits);
  const Tensor predicted = argmax(logits.value(), -1);  // (N, T, 2)
  const Real per_digit = mean(equal(predicted, targets)).item();
  const Real per_sequence =
      mean(equal(sum(equal(predicted, targets).reshape({1000, kLength * kRoutes}), 1), full({1}, kLength * kRoutes)))
          .item();
  fmt::print("\nheld-out: {:.1f}% of digits named right, {:.1f}% of whole sequences with all {} right\n",
             per_digit * 100, per_sequence * 100, kLength * kRoutes);

  fmt::print("\nexample: {}\n", slice(digits, 0, 0, 1).reshape({kLength}));
  for (int route = 0; route < kRoutes; ++route) {
    fmt::print("  {:<6} {}\n", kRouteNames[route],
               slice(slice(predicted, 0, 0, 1), 2, route, route + 1).reshape({kLength}));
  }
  // Row i: where output position i looked. The mirror is the anti-diagonal,
  // the next digit the diagonal above the main one.
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
    tutorial::heatmaps_svg("Where each position looks, per head, naming two digits of one held-out sequence (position:digit)",
                           panels, {.row_title = "query position", .column_title = "key position (attended to)"})
        .save(path);
    fmt::print("\nwrote {}\n", path);
    // The same heads on the explorer page (full mode or --html), a selector between them.
    std::vector<Tensor> heads;
    for (const tutorial::HeatmapPanel& head : panels) heads.push_back(head.values);
    page.add_attention(with_vectors({.title = "one held-out sequence (position:digit)", .rows = positions,
                                     .cols = positions, .heads = heads, .row_label = "query position",
                                     .col_label = "key position"},
                                    model.vectors(slice(digits, 0, 0, 1))));
    page.save("11_multi_head_self_attention");
  }
  // The headline: fresh sequences, never seen, every digit named right.
  if (per_sequence < 0.9) fmt::print("\nunder 90% of held-out sequences right\n");
  if (!routes_learned) fmt::print("\nthe probe's maps did not find both routes\n");
  if (!heads_specialised) fmt::print("\nthe heads did not end on different routes, far apart\n");
  fmt::print("\nnow write the split into heads and the merge yourself: make exercise 12\n");
  return per_sequence >= 0.9 && routes_learned && heads_specialised ? 0 : 1;
}
