// Tutorial 06: where does the model look? (the article's sections 2.1.1-2.1.2)
//
// The article applies attention to "preprocessed image features" without
// saying what they are. Here we build them. Each 12x12 image holds one
// bright target shape, a plus (class 0) or a ring (class 1), in one of the
// nine 4x4 cells; other cells hold dim pluses and rings (a random number of
// each) and every pixel has a little noise. The image is cut into its 9
// patches and each patch becomes a feature vector by a linear patch
// embedding (as in Vision Transformers): a sequence of region features,
// exactly the (batch, seq_len, feature_dim) input of the article's example.
//
// The models share that embedding and a linear classifier; they differ only
// in how they pool the 9 patch features into one:
//   * mean: every region counting the same (the "treats every region alike"
//     model of section 2.1.2);
//   * attention: a learned query scores each patch (Keras-style Attention
//     with a learned scale), softmax turns the scores into weights, and the
//     weighted sum is classified;
//   * the article's own image model: self-attention, every region's
//     features serving as query, key and value at once (Keras's
//     Attention(use_scale=True)([features, features])), then the largest
//     value of each feature over the regions;
//   * and, before believing that attention is what helps, the two simplest
//     baselines that could also explain a win: max pooling, and a relu
//     before the mean. Both still treat every region alike.
// In the plain average, the dim distractors of both shapes blur the target's
// shape. The table below says what it takes to see through them, over three
// seeds, and the heatmaps show what attention adds that the others lack: it
// says where it looked.
//
// A second task asks for a relation between two objects (are the two bright
// shapes the same?), where the article expects attention's focus shifting to
// matter, and adds a small convolutional network (Conv2D: im2col and one
// matmul) as the baseline a vision engineer would try first. It turns out
// that a global max can fake that relation. The third task is one it
// cannot fake (is some shape there twice?), with CNNs whose windows cover
// two cells or the whole image. Whether attention wins, and why, is
// measured, not assumed.
//
// The images, the models and the pictures are beside this file, in
// tutorials/06_image_attention/. The article's preprocessing (its section
// 3.1.1) is measured on the same images in the second part,
// 06_image_preprocessing.cpp.
//
// Run it:  build/tutorials/06_image_attention [--quick] [--seed S] [--out DIR]
#include "nn/nn.h"
#include "tutorials/06_image_attention/models.h"
#include "tutorials/06_image_attention/pictures.h"
#include "tutorials/06_image_attention/tasks.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <memory>

using namespace atto;
using namespace atto::tutorial;
using namespace atto::tutorial::image_attention;

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 06: attention over image patches vs models that treat every region alike, and a small CNN.");
  Generator gen(options.seed);
  const FirstTask task = first_task(options.quick, gen);
  const Index train_count = task.train_count, epochs = task.epochs;
  const Images &train_set = task.train, &test_set = task.test;
  const Tensor train_patches = to_patches(train_set.pixels), test_patches = to_patches(test_set.pixels);
  fmt::print("{} training and {} held-out images of 12x12, each cut into {} patches of {} pixels\n", train_count,
             test_set.labels.numel(), kPatches, kPatch * kPatch);

  // ## Five ways to pool, three seeds each
  //
  // Every model starts from the same random embedding and classifier for a
  // given seed, and sees the same batches. The fifth is the article's own
  // image model: self-attention with query = value over the region
  // features, then the largest of each feature over the regions.
  Results results;
  std::unique_ptr<PatchClassifier> attentive;  // the first seed's, for the pictures
  for (Pooling pooling : kPoolings) {
    results.add(over_seeds<PatchClassifier>(
        pooling_name(pooling), [&](Generator& init) { return std::make_unique<PatchClassifier>(pooling, init); },
        train_patches, train_set.labels, test_patches, test_set.labels, epochs, options.seed,
        pooling == Pooling::attention ? &attentive : nullptr));
  }
  results.print();
  const Real linear = results["mean pooling (linear)"].average(), attention = results["attention pooling"].average();
  const Real max_pooled = results["max pooling"].average(), relu_mean = results["relu, then mean pooling"].average();
  const Real best_other = std::max(max_pooled, relu_mean);
  fmt::print("\nAttention beats the linear mean by {:.1f} points. But max pooling reaches {:.1f}% and a relu\n"
             "before the mean {:.1f}%, and both treat every region alike: what this task needs is a nonlinearity\n"
             "that lets one bright patch outweigh the dim ones, and attention is one such nonlinearity. What it\n"
             "adds is below: its weights say which region decided.\n",
             (attention - linear) * 100, max_pooled * 100, relu_mean * 100);

  // Where does it look? The weight on the cell that really holds the target.
  Tensor weights;  // (N, 1, 9)
  {
    const NoGradGuard no_graph;
    weights = attentive->forward(test_patches).second;
  }
  Index found = 0;
  for (Index n = 0; n < test_set.labels.numel(); ++n) {
    found += argmax(weights.reshape({-1, kPatches}), 1).data()[n] == test_set.target_cell.data()[n];
  }
  const double found_share = static_cast<double>(found) / static_cast<double>(test_set.labels.numel());
  fmt::print("\nthe most-attended patch is the target's in {:.1f}% of held-out images\n", 100.0 * found_share);
  for (Index n = 0; n < 3; ++n) {
    fmt::print("\nimage {} ({}, target in cell {}): attention over the 3x3 patches\n", n,
               test_set.labels.data()[n] == 0 ? "plus" : "ring", static_cast<int>(test_set.target_cell.data()[n]));
    print_heatmap(weights, n);
  }
  std::vector<Tile> tiles;
  for (Index n = 0; n < 6; ++n) {
    tiles.push_back({&test_set.pixels, n, weight_row(weights, n, 0),
                     fmt::format("{} (target in cell {})", test_set.labels.data()[n] == 0 ? "plus" : "ring",
                                 static_cast<int>(test_set.target_cell.data()[n]))});
  }
  const std::string path = options.output_path("06_attention_heatmaps.svg");
  save_tiles("Held-out images, each 4x4 patch tinted by the attention weight it received", tiles, 6, path);
  fmt::print("\nwrote {}\n", path);

  // ## Two objects, one relation (the article's section 2.1.2)
  //
  // The article's claim for attention in images is about relations: a
  // model that can shift its focus from one object to another can relate
  // them. The second task needs exactly that. Two bright shapes lie in two
  // different cells among the dim clutter; the label says whether they are
  // the same shape. A convolutional network joins the patch models: its
  // filters see 3x3 pixels, then 8x8 after the pool, so no unit sees two
  // distant cells; the receptive field would have to grow to relate them.
  fmt::print("\n--- Two bright shapes: the same shape or not? ---\n");
  const Pairs pair_train = make_pairs(train_count, gen), pair_test = make_pairs(1000, gen);
  const Tensor pair_train_patches = to_patches(pair_train.pixels), pair_test_patches = to_patches(pair_test.pixels);
  Results relation;
  std::unique_ptr<PatchClassifier> relating;  // the first seed's self-attention, for the pictures
  for (Pooling pooling : kPoolings) {
    if (pooling == Pooling::attention) continue;  // one learned query can look at one object only
    relation.add(over_seeds<PatchClassifier>(
        pooling_name(pooling), [&](Generator& init) { return std::make_unique<PatchClassifier>(pooling, init); },
        pair_train_patches, pair_train.labels, pair_test_patches, pair_test.labels, epochs, options.seed,
        pooling == Pooling::self_attention ? &relating : nullptr));
  }
  relation.add(over_seeds<SmallCnn>(
      "small CNN (2 conv, max)", [](Generator& init) { return std::make_unique<SmallCnn>(init); }, pair_train.pixels,
      pair_train.labels, pair_test.pixels, pair_test.labels, epochs, options.seed, nullptr));
  relation.print();
  const Real self_attention = relation["self-attention, then max"].average();
  const Real cnn = relation["small CNN (2 conv, max)"].average();
  const Real relation_linear = relation["mean pooling (linear)"].average();
  const Real relation_best_baseline =
      std::max({relation["max pooling"].average(), relation["relu, then mean pooling"].average(), cnn});

  // Focus shifting. Row i of the self-attention weights says where region i
  // looks. Take the row of the first bright shape: how much of its
  // attention goes to the second one?
  Tensor pair_weights;  // (N, 9, 9)
  {
    const NoGradGuard no_graph;
    pair_weights = relating->forward(pair_test_patches).second;
  }
  Real partner_same = 0, partner_different = 0;
  Index same_count = 0;
  for (Index n = 0; n < pair_test.labels.numel(); ++n) {
    const Index first = static_cast<Index>(pair_test.cells.at({n, 0})), second = static_cast<Index>(pair_test.cells.at({n, 1}));
    const Real partner = (pair_weights.at({n, first, second}) + pair_weights.at({n, second, first})) / 2;
    if (pair_test.labels.data()[n] == 1) {
      partner_same += partner;
      ++same_count;
    } else {
      partner_different += partner;
    }
  }
  partner_same /= static_cast<Real>(same_count);
  partner_different /= static_cast<Real>(pair_test.labels.numel() - same_count);
  fmt::print("\nself-attention: the weight a bright shape gives the other bright shape, on held-out images:\n"
             "  when they are the same shape {:.2f}, when they differ {:.2f}\n",
             partner_same, partner_different);
  // The picture: three same and three different pairs, each drawn twice,
  // tinted by the row of the first shape (top) and of the second (bottom).
  std::vector<Tile> focus_top, focus_bottom;
  for (Index n = 0, same_shown = 0, different_shown = 0; n < pair_test.labels.numel() && focus_top.size() < 6; ++n) {
    const bool same = pair_test.labels.data()[n] == 1;
    if ((same ? same_shown : different_shown) == 3) continue;
    ++(same ? same_shown : different_shown);
    const Index first = static_cast<Index>(pair_test.cells.at({n, 0})), second = static_cast<Index>(pair_test.cells.at({n, 1}));
    focus_top.push_back({&pair_test.pixels, n, weight_row(pair_weights, n, first),
                         fmt::format("{}: cell {} looks", same ? "same" : "different", first)});
    focus_bottom.push_back({&pair_test.pixels, n, weight_row(pair_weights, n, second),
                            fmt::format("{}: cell {} looks", same ? "same" : "different", second)});
  }
  focus_top.insert(focus_top.end(), focus_bottom.begin(), focus_bottom.end());
  const std::string focus_path = options.output_path("06_focus_shifting.svg");
  save_tiles("Where each bright shape looks (self-attention row): first shape on top, second below", focus_top, 6,
             focus_path);
  fmt::print("wrote {}\n", focus_path);
  if (self_attention > relation_best_baseline + 0.02) {
    fmt::print("\nSelf-attention wins here by {:.1f} points over the best baseline.\n",
               (self_attention - relation_best_baseline) * 100);
  } else {
    fmt::print("\nSelf-attention reaches {:.1f}%, and it does not win: the best baseline reaches {:.1f}% (the CNN\n"
               "{:.1f}%). The relation factorises: \"same shape\" is \"not both a bright plus somewhere and a\n"
               "bright ring somewhere\", and a max over all regions (the max pooling, the CNN's global max) hands both\n"
               "facts to the classifier however far apart the shapes are. No unit has to see both at once.\n"
               "What self-attention adds is the comparison itself, made visible: a shape looks at its twin\n"
               "(weight {:.2f}) and away from a different shape ({:.2f}).\n",
               self_attention * 100, relation_best_baseline * 100, cnn * 100, partner_same, partner_different);
  }

  // ## A relation no global pooling can fake: is a shape repeated?
  //
  // "Same shape" factorised because a max over the regions hands the
  // classifier the set of shapes present, and for two shapes the set says
  // whether they match. Here it cannot: two to six objects of six shapes,
  // and the question is whether one shape is there twice. A model that
  // turns each patch into features on its own and then pools them sees a
  // bag of patches, and then:
  //   * max pooling keeps, of each feature, its largest value over the
  //     patches: a function of which patches occur, not how often. Every
  //     set of shapes comes as often with a repeat as without: chance.
  //   * mean (or relu + mean) pooling keeps sums, a linear function of how
  //     often each kind of patch occurs, and "some count reaches 2" is not
  //     linear: {a, b, c} sits halfway between {a, a, b} and {c, c, b}, so
  //     a linear rule that calls both repeats calls {a, b, c} one too. What
  //     a sum can use is the number of objects, one more with a repeat
  //     (62.5%: 2 objects never hold a repeat, 6 always do, 3 to 5 are
  //     even), and a few points more by leaning on one shape's count.
  //   * self-attention is different in kind. Its scores q_i . k_j compare
  //     every pair of patches, and the softmax shares each row among them:
  //     a shape with a twin gives its own kind twice the share, so its
  //     mixed feature leans further towards that kind. The max over regions
  //     then reports "some region found its like". Still blind to where
  //     things are, yet not a bag: a relation between two patches decides.
  //   * a CNN relates what falls inside one unit's window: 8x8 pixels for
  //     the small one (two neighbouring cells), the whole image for the
  //     wide one (a third convolution after a second pool: 18x18). Both
  //     end in a global max, as the patch models do.
  // Positions join as a learned vector per cell added to the features
  // (for max pooling too: with them, each (shape, cell) is its own
  // feature, and the set of those is the whole picture).
  fmt::print("\n--- Two to six shapes of six kinds: is one shape there twice? ---\n");
  const Index repeat_count = options.quick ? 1500 : 4000, repeat_epochs = options.quick ? 10 : 20;
  const Repeats repeat_train = make_repeats(repeat_count, gen), repeat_test = make_repeats(1000, gen);
  const Tensor repeat_train_patches = to_patches(repeat_train.pixels);
  const Tensor repeat_test_patches = to_patches(repeat_test.pixels);
  Results repeated;
  std::unique_ptr<PatchClassifier> comparing;  // the first seed's self-attention without positions, for the picture
  for (const auto& [pooling, positions] : {std::pair{Pooling::mean, false}, {Pooling::max, false},
                                           {Pooling::relu_mean, false}, {Pooling::self_attention, false},
                                           {Pooling::max, true}, {Pooling::self_attention, true}}) {
    if (positions && options.quick) continue;  // what positions add is shown in full mode only
    const std::string name = std::string(pooling_name(pooling)) + (positions ? ", positions" : "");
    repeated.add(over_seeds<PatchClassifier>(
        name, [&](Generator& init) { return std::make_unique<PatchClassifier>(pooling, init, positions); },
        repeat_train_patches, repeat_train.labels, repeat_test_patches, repeat_test.labels, repeat_epochs,
        options.seed, pooling == Pooling::self_attention && !positions ? &comparing : nullptr));
  }
  repeated.add(over_seeds<SmallCnn>(
      "small CNN (8x8 windows)", [](Generator& init) { return std::make_unique<SmallCnn>(init); },
      repeat_train.pixels, repeat_train.labels, repeat_test.pixels, repeat_test.labels, repeat_epochs, options.seed,
      nullptr));
  repeated.add(over_seeds<WideCnn>(
      "wide CNN (18x18 windows)", [](Generator& init) { return std::make_unique<WideCnn>(init, 6); },
      repeat_train.pixels, repeat_train.labels, repeat_test.pixels, repeat_test.labels, repeat_epochs, options.seed,
      nullptr));
  // The simplest other explanation of a win: attention is simply a better
  // use of its parameters (the table prints each model's count). So, in
  // full mode, the wide CNN at 24 filters, many times the size.
  if (!options.quick) {
    repeated.add(over_seeds<WideCnn>(
        "wide CNN, 24 filters", [](Generator& init) { return std::make_unique<WideCnn>(init, 24); },
        repeat_train.pixels, repeat_train.labels, repeat_test.pixels, repeat_test.labels, repeat_epochs,
        options.seed, nullptr));
  }
  repeated.print();
  const Real bag_mean =
      std::max(repeated["mean pooling (linear)"].average(), repeated["relu, then mean pooling"].average());
  const Real bag_max = repeated["max pooling"].average(), comparison = repeated["self-attention, then max"].average();
  const Real small_cnn = repeated["small CNN (8x8 windows)"].average();
  Real best_wide_cnn = repeated["wide CNN (18x18 windows)"].average();
  if (repeated.has("wide CNN, 24 filters")) {
    best_wide_cnn = std::max(best_wide_cnn, repeated["wide CNN, 24 filters"].average());
  }
  const Real best_cnn = std::max(small_cnn, best_wide_cnn);

  // Where it looks: how much of a shape's row goes to its twin, against
  // what it gives another object of a different shape, on held-out images.
  Tensor repeat_weights;  // (N, 9, 9)
  {
    const NoGradGuard no_graph;
    repeat_weights = comparing->forward(repeat_test_patches).second;
  }
  Real to_twin = 0, to_other = 0;
  Index twin_pairs = 0, other_pairs = 0;
  for (Index n = 0; n < repeat_test.labels.numel(); ++n) {
    for (Index i = 0; i < kPatches; ++i) {
      for (Index j = 0; j < kPatches; ++j) {
        const Real kind_i = repeat_test.kinds.at({n, i}), kind_j = repeat_test.kinds.at({n, j});
        if (i == j || kind_i < 0 || kind_j < 0) continue;
        (kind_i == kind_j ? to_twin : to_other) += repeat_weights.at({n, i, j});
        ++(kind_i == kind_j ? twin_pairs : other_pairs);
      }
    }
  }
  to_twin /= static_cast<Real>(twin_pairs);
  to_other /= static_cast<Real>(other_pairs);
  fmt::print("\nself-attention (no positions): the weight a shape gives its twin {:.2f}, another object {:.2f}\n",
             to_twin, to_other);

  // The picture: four held-out images with a repeat. Top: each tinted by
  // where the second twin looks. Below: the same images with one unit's
  // window of the small CNN around that twin; the wide CNN's unit sees the
  // whole image. Look for a twin that looks elsewhere: a dot product scores
  // overlap, not sameness, so the bars, whose strokes lie inside the
  // ring's, may look at a ring more than at their twin. The averages above
  // are what decide.
  std::vector<Tile> looks, windows;
  for (Index n = 0; n < repeat_test.labels.numel() && looks.size() < 4; ++n) {
    if (repeat_test.labels.data()[n] != 1) continue;
    Index first = -1, second = -1;
    for (Index i = 0; i < kPatches && second < 0; ++i) {
      for (Index j = 0; j < i && second < 0; ++j) {
        if (repeat_test.kinds.at({n, i}) >= 0 && repeat_test.kinds.at({n, i}) == repeat_test.kinds.at({n, j})) {
          first = j;
          second = i;
        }
      }
    }
    looks.push_back({&repeat_test.pixels, n, weight_row(repeat_weights, n, second),
                     fmt::format("cell {} looks (twin in {})", second, first)});
    const Index top = (second / kGrid) * kPatch, left = (second % kGrid) * kPatch;
    windows.push_back({&repeat_test.pixels, n, std::vector<Real>(kPatches, 0), "small CNN: one unit's 8x8",
                       {{top - 1, left - 1, 8}}});
  }
  // The explorer page (full mode or --html) holds the whole 9 x 9 matrix of
  // the same four images, each cell named by what it holds.
  ExplorerPage page(options, "Tutorial 06: attention over image patches");
  for (const Tile& shown : looks) {
    std::vector<std::string> cells;
    for (Index p = 0; p < kPatches; ++p) {
      const Real kind = repeat_test.kinds.at({shown.image, p});
      cells.push_back(fmt::format("{}: {}", p, kind < 0 ? "empty" : kShapeNames[static_cast<int>(kind)]));
    }
    page.add_attention({.title = fmt::format("self-attention over the cells of held-out image {}", shown.image),
                        .rows = cells, .cols = cells,
                        .heads = {slice(repeat_weights, 0, shown.image, shown.image + 1).reshape({kPatches, kPatches})},
                        .row_label = "cell", .col_label = "cell"});
  }
  page.save("06_image_attention");
  looks.insert(looks.end(), windows.begin(), windows.end());
  const std::string repeat_path = options.output_path("06_repeated_shape.svg");
  save_tiles("Top: where a twin looks (self-attention row). Below: one small-CNN unit's window", looks, 4,
             repeat_path);
  fmt::print("wrote {}\n", repeat_path);

  fmt::print("\nThe poolings of per-patch features stay where the argument puts them: max pooling {:.1f}% (chance),\n"
             "mean and relu + mean {:.1f}% at most (counting objects gives 62.5%). Self-attention, which compares\n"
             "every pair of patches, reaches {:.1f}% without knowing where any patch is, and gives a shape's twin\n"
             "{:.2f} of its attention against {:.2f} for another object. The CNNs reach {:.1f}% at best.\n",
             bag_max * 100, bag_mean * 100, comparison * 100, to_twin, to_other, best_cnn * 100);
  if (best_wide_cnn <= small_cnn + 0.02) {
    fmt::print("The wide CNN sees the whole image in one unit and does no better than the small one ({:.1f}% against\n"
               "{:.1f}%): a window that holds both twins is not enough, a unit must also compare what it holds.\n",
               best_wide_cnn * 100, small_cnn * 100);
  } else {
    fmt::print("The wide CNN, which sees the whole image in one unit, gains on the small one ({:.1f}% against\n"
               "{:.1f}%), yet stays below self-attention.\n",
               best_wide_cnn * 100, small_cnn * 100);
  }
  if (!options.quick) {
    fmt::print("Positions open another road: with a learned vector per cell, max pooling reaches {:.1f}%, for each\n"
               "(shape, cell) becomes a feature of its own and the set of them is the whole picture; the classifier\n"
               "then learns which combinations repeat. Self-attention needs no positions to compare ({:.1f}% with them).\n",
               repeated["max pooling, positions"].average() * 100,
               repeated["self-attention, then max, positions"].average() * 100);
  }

  // The headlines: a nonlinear pooling (attention among them) clearly beats
  // the linear mean, and attention's weights find the target.
  const bool beats_linear = attention > linear + 0.05 && best_other > linear + 0.05;
  // On the relation: the article's self-attention learns it (>= 90%, where
  // the linear mean stays near chance) and its focus goes to the twin
  // (the partner's weight at least 0.2 higher when the shapes match).
  const bool relates = self_attention >= 0.9 && relation_linear < 0.7 && partner_same > partner_different + 0.2;
  const bool finds_target = found_share >= 0.9;
  if (!beats_linear) fmt::print("the nonlinear poolings did not beat the linear mean by 5 points\n");
  if (!finds_target) fmt::print("attention found the target in under 90% of held-out images\n");
  if (!relates) fmt::print("self-attention did not learn the relation, or did not look at the twin shape\n");
  // On the repeat: the bags stay at chance (max) or near counting (mean),
  // self-attention clears 85% and every CNN by 10 points (75% and 5 points
  // in quick mode), and a twin draws more of a shape's attention than
  // another object does.
  const bool pairs_decide = bag_max < 0.56 && bag_mean < 0.7 && comparison >= (options.quick ? 0.75 : 0.85) &&
                            comparison > best_cnn + (options.quick ? 0.05 : 0.1) && to_twin > to_other;
  if (!pairs_decide) fmt::print("on the repeated shape, the comparison of pairs did not decide as the text says\n");
  return beats_linear && finds_target && relates && pairs_decide ? 0 : 1;
}
