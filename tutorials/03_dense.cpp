// Tutorial 03: a Dense network, trained from scratch
//
// Three interleaved spirals in the plane, one per class: no straight line
// separates them, so a linear model fails and a small network of Dense
// layers has to bend its decision boundaries around the arms. This tutorial
// puts the nn pieces together: data, standardization, a Sequential model,
// cross-entropy, Adam, mini-batches, a progress display, a checkpoint saved
// and reloaded, and two pictures (decision regions and the loss curve).
//
// Run it:  build/tutorials/03_dense [--quick] [--threads N] [--seed S] [--out DIR]
#include "nn/nn.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/options.h"
#include "tutorials/common/svg.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <numbers>

using namespace atto;

namespace {

constexpr Index kClasses = 3;
constexpr const char* kColours[kClasses] = {"#d62728", "#2ca02c", "#1f77b4"};

// ## The data
//
// Class k's points lie along an arm: radius r from 0 to 1, angle growing with
// r, offset by k * 4 radians, with a little noise on the angle.
struct Spiral {
  Tensor points;  // (N, 2)
  Tensor labels;  // (N), class indices
};

Spiral make_spiral(Index per_class, Generator& gen) {
  Spiral data{Tensor::empty({kClasses * per_class, 2}), Tensor::empty({kClasses * per_class})};
  const Tensor noise = gen.normal({kClasses * per_class}, 0, 0.2);
  for (Index k = 0; k < kClasses; ++k) {
    for (Index i = 0; i < per_class; ++i) {
      const Index row = k * per_class + i;
      const Real r = static_cast<Real>(i) / static_cast<Real>(per_class - 1);
      const Real angle = static_cast<Real>(k) * 4 + r * 4 + noise.data()[row];
      data.points.at({row, 0}) = r * std::sin(angle);
      data.points.at({row, 1}) = r * std::cos(angle);
      data.labels.data()[row] = static_cast<Real>(k);
    }
  }
  return data;
}

Real accuracy(const Tensor& logits, const Tensor& labels) {
  return mean(equal(argmax(logits, 1), labels)).item();
}

// Colours each cell of a grid over the plane by the class the model predicts
// there, then draws the training points on top.
void draw_decision_regions(Layer& model, const Standardizer& scaler, const Spiral& data, const std::string& path) {
  constexpr int kCells = 120, kPixels = 480;
  constexpr Real kExtent = 1.2;
  Tensor grid = Tensor::empty({kCells * kCells, 2});
  for (int row = 0; row < kCells; ++row) {
    for (int col = 0; col < kCells; ++col) {
      grid.at({row * kCells + col, 0}) = -kExtent + 2 * kExtent * (col + Real(0.5)) / kCells;
      grid.at({row * kCells + col, 1}) = kExtent - 2 * kExtent * (row + Real(0.5)) / kCells;
    }
  }
  const NoGradGuard no_graph;
  const Tensor predicted = argmax(model(Var(scaler.transform(grid))).value(), 1);
  // The plane in a frame, with room for a title, axis labels and a legend.
  constexpr double kLeft = 56, kTop = 44, kBottom = 50, kLegend = 110;
  tutorial::Svg svg(static_cast<int>(kLeft + kPixels + kLegend), static_cast<int>(kTop + kPixels + kBottom));
  svg.text(kLeft + kPixels / 2.0, 26, "Predicted class over the plane, with the training points", 15, "middle");
  const double cell = static_cast<double>(kPixels) / kCells;
  for (int i = 0; i < kCells * kCells; ++i) {
    svg.rect(kLeft + (i % kCells) * cell, kTop + (i / kCells) * cell, cell + 0.5, cell + 0.5,
             kColours[static_cast<int>(predicted.data()[i])], 0.35);
  }
  for (Index i = 0; i < data.points.shape()[0]; ++i) {
    const double x = kLeft + (data.points.at({i, 0}) + kExtent) / (2 * kExtent) * kPixels;
    const double y = kTop + (kExtent - data.points.at({i, 1})) / (2 * kExtent) * kPixels;
    svg.circle(x, y, 3.5, kColours[static_cast<int>(data.labels.data()[i])], "black");
  }
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = -kExtent + 2 * kExtent * tick / 4.0, at = kPixels * tick / 4.0;
    svg.line(kLeft + at, kTop + kPixels, kLeft + at, kTop + kPixels + 4, "black");
    svg.text(kLeft + at, kTop + kPixels + 17, fmt::format("{:.1f}", value), 11, "middle");
    svg.line(kLeft - 4, kTop + kPixels - at, kLeft, kTop + kPixels - at, "black");
    svg.text(kLeft - 7, kTop + kPixels - at + 4, fmt::format("{:.1f}", value), 11, "end");
  }
  svg.text(kLeft + kPixels / 2.0, kTop + kPixels + 40, "first coordinate (before standardizing)", 13, "middle");
  svg.text(18, kTop + kPixels / 2.0, "second coordinate (before standardizing)", 13, "middle", -90);
  for (Index k = 0; k < kClasses; ++k) {
    const double y = kTop + 20 + 24.0 * static_cast<double>(k);
    svg.circle(kLeft + kPixels + 20, y, 6, kColours[k], "black");
    svg.text(kLeft + kPixels + 32, y + 5, fmt::format("class {}", k), 13);
  }
  svg.save(path);
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 03: a Dense network trained on three spirals, with a checkpoint and pictures.");
  Generator gen(options.seed);

  // ## 1. Data, standardized
  //
  // Standardizing (zero mean, unit variance per feature, fitted on the
  // training data) keeps every input on the scale the initial weights expect:
  // the article's section 3.1.1 in one line. A second spiral, drawn with its
  // own noise, is held out: the model never trains on it, and it is scaled
  // with the training data's statistics, as new data would be.
  const Spiral data = make_spiral(100, gen);
  const Spiral held_out = make_spiral(50, gen);
  Standardizer scaler;
  scaler.fit(data.points);
  const Tensor inputs = scaler.transform(data.points);
  const Tensor test_inputs = scaler.transform(held_out.points);
  fmt::print("{} points in {} classes; feature means after standardizing: {}\n", inputs.shape()[0], kClasses,
             mean(inputs, 0));

  // ## 2. The model
  //
  // Two hidden Dense layers with relu, and a final Dense giving one score
  // (logit) per class. Softmax is not part of the model: cross_entropy
  // applies it inside, in the stable fused form.
  Sequential model;
  model.add<Dense>(2, DenseOptions{.units = 64, .activation = Activation::relu}, gen)
      .add<Dense>(64, DenseOptions{.units = 64, .activation = Activation::relu}, gen)
      .add<Dense>(64, DenseOptions{.units = kClasses}, gen);
  fmt::print("\n{}", model.summary());

  // ## 3. Training
  //
  // Each epoch visits every point once, in shuffled mini-batches of 32:
  // forward, loss, zero the old gradients, backward, one Adam step.
  const Index epochs = options.quick ? 40 : 300;
  Adam adam(model.parameters(), {0.01});
  constexpr Index kBatch = 32;
  const Index rows = inputs.shape()[0];
  Progress progress(epochs, (rows + kBatch - 1) / kBatch);
  progress.print_every(options.quick ? 20 : 50);
  std::vector<double> losses;
  for (Index epoch = 0; epoch < epochs; ++epoch) {
    double epoch_loss = 0;
    for (const auto& batch : batch_indices(rows, kBatch, gen)) {
      const Var loss = cross_entropy(model(Var(take(inputs, batch))), take(data.labels, batch));
      adam.zero_grad();
      loss.backward();
      adam.step();
      epoch_loss += loss.item() * static_cast<double>(batch.size());
      progress.batch_done(static_cast<Index>(batch.size()));
    }
    losses.push_back(epoch_loss / static_cast<double>(rows));
    const NoGradGuard no_graph;
    progress.epoch_done(static_cast<Real>(losses.back()), accuracy(model(Var(inputs)).value(), data.labels));
  }
  model.eval();
  Tensor logits;
  {
    const NoGradGuard no_graph;
    logits = model(Var(inputs)).value();
  }
  const Real train_accuracy = accuracy(logits, data.labels);
  Real test_accuracy = 0;
  {
    const NoGradGuard no_graph;
    test_accuracy = accuracy(model(Var(test_inputs)).value(), held_out.labels);
  }
  fmt::print("\naccuracy: {:.1f}% on the {} training points, {:.1f}% on {} held-out points\n", train_accuracy * 100,
             inputs.shape()[0], test_accuracy * 100, test_inputs.shape()[0]);

  // ## 4. Saving and reloading
  //
  // A checkpoint stores every named parameter (and here Adam's moments too).
  // A freshly built model of the same shape, with different random weights,
  // loads it and predicts exactly the same numbers.
  const std::string checkpoint = options.output_path("03_spiral.atto");
  save_checkpoint(checkpoint, model, &adam);
  Generator other(options.seed + 1);
  Sequential reloaded;
  reloaded.add<Dense>(2, DenseOptions{.units = 64, .activation = Activation::relu}, other)
      .add<Dense>(64, DenseOptions{.units = 64, .activation = Activation::relu}, other)
      .add<Dense>(64, DenseOptions{.units = kClasses}, other);
  Adam reloaded_adam(reloaded.parameters(), {0.01});
  load_checkpoint(checkpoint, reloaded, &reloaded_adam);
  Tensor reloaded_logits;
  {
    const NoGradGuard no_graph;
    reloaded_logits = reloaded(Var(inputs)).value();
  }
  const bool identical = std::memcmp(logits.data(), reloaded_logits.data(), sizeof(Real) * logits.numel()) == 0;
  fmt::print("saved {} and reloaded it: predictions {}\n", checkpoint, identical ? "identical, bit for bit" : "DIFFER");

  // ## 5. Pictures
  const std::string regions = options.output_path("03_decision_regions.svg");
  draw_decision_regions(model, scaler, data, regions);
  const std::string curve = options.output_path("03_loss.svg");
  tutorial::line_chart(losses, "Training loss of the spiral classifier, per epoch", "epoch",
                       "mean cross-entropy on the training points").save(curve);
  fmt::print("wrote {} and {}\n", regions, curve);
  // The explorer page (full mode or --html): the loss curve, and the graph
  // of the loss on the first eight training points, through the three layers.
  tutorial::ExplorerPage page(options, "Tutorial 03: a Dense network on three spirals");
  page.add_curve({.title = "Training loss per epoch", .y_label = "mean cross-entropy", .series = {{"training", losses}}});
  if (page.enabled()) {
    const std::vector<Index> first = {0, 1, 2, 3, 4, 5, 6, 7};
    page.add_graph("the loss on eight training points",
                   cross_entropy(model(Var(take(inputs, first))), take(data.labels, first)), &model);
  }
  page.save("03_dense");

  // The headline: the three arms told apart on points never trained on.
  const bool learned = test_accuracy >= 0.95;
  if (!learned) fmt::print("held-out accuracy {:.1f}% is below the 95% this tutorial expects\n", test_accuracy * 100);
  fmt::print("\nnow write them yourself: make exercise 6 (cross-entropy from logits), 7 (the Dense layer)\n");
  return identical && learned ? 0 : 1;
}
