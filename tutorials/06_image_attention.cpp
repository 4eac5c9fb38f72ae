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
// Two models share that embedding and a linear classifier; they differ only
// in how they pool the 9 patch features into one:
//   * baseline: the mean, every region counting the same (the "treats every
//     region alike" model of section 2.1.2);
//   * attention: a learned query scores each patch (Keras-style Attention
//     with a learned scale), softmax turns the scores into weights, and the
//     weighted sum is classified.
// In the average, the dim distractors of both shapes blur the target's
// shape; attention can find the bright patch and read it alone.
//
// Run it:  build/tutorials/06_image_attention [--quick] [--seed S] [--out DIR]
#include "nn/nn.h"
#include "tutorials/common/options.h"
#include "tutorials/common/svg.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cmath>

using namespace atto;

namespace {

constexpr Index kSide = 12, kPatch = 4, kGrid = kSide / kPatch, kPatches = kGrid * kGrid;

// ## The data
struct Images {
  Tensor pixels;   // (N, 12, 12)
  Tensor labels;   // (N)
  Tensor target_cell;  // (N): which of the 9 cells holds the target
};

void draw(Tensor& pixels, Index n, Index cell, const char* const rows[kPatch], Real brightness) {
  const Index top = (cell / kGrid) * kPatch, left = (cell % kGrid) * kPatch;
  for (Index r = 0; r < kPatch; ++r)
    for (Index c = 0; c < kPatch; ++c)
      if (rows[r][c] == '#') pixels.at({n, top + r, left + c}) += brightness;
}

Images make_images(Index count, Generator& gen) {
  static const char* const kPlus[kPatch] = {".#..", "###.", ".#..", "...."};
  static const char* const kRing[kPatch] = {"###.", "#.#.", "###.", "...."};
  Images data{gen.uniform({count, kSide, kSide}, 0, 0.15), Tensor::empty({count}), Tensor::empty({count})};
  for (Index n = 0; n < count; ++n) {
    const Index label = gen.randint(2), cell = gen.randint(kPatches);
    draw(data.pixels, n, cell, label == 0 ? kPlus : kRing, 1);
    for (Index other = 0; other < kPatches; ++other) {
      if (other != cell && gen.next_double() < 0.5) draw(data.pixels, n, other, gen.randint(2) ? kPlus : kRing, 0.4);
    }
    data.labels.data()[n] = static_cast<Real>(label);
    data.target_cell.data()[n] = static_cast<Real>(cell);
  }
  return data;
}

// (N, 12, 12) -> (N, 9, 16): each 4x4 patch as a row of 16 pixels.
Tensor to_patches(const Tensor& pixels) {
  const Index n = pixels.shape()[0];
  return permute(pixels.reshape({n, kGrid, kPatch, kGrid, kPatch}), {0, 1, 3, 2, 4}).reshape({n, kPatches, kPatch * kPatch});
}

// ## The models
class PatchClassifier : public Module {
 public:
  PatchClassifier(bool use_attention, Generator& gen)
      : use_attention_(use_attention),
        features_(kPatch * kPatch, {.units = 32}, gen),
        query_(gen.normal({1, 1, 32}, 0, 0.1), true),
        classifier_(32, {.units = 2}, gen) {
    register_module("features", features_);
    if (use_attention_) {
      register_parameter("query", query_);
      register_module("attention", attention_);
    }
    register_module("classifier", classifier_);
  }
  std::string type_name() const override { return use_attention_ ? "AttentionPooling" : "MeanPooling"; }

  // patches (N, 9, 16) -> logits (N, 2); weights (N, 1, 9) when attending.
  std::pair<Var, Tensor> forward(const Tensor& patches) {
    const Var features = features_(Var(patches));  // (N, 9, 32)
    if (!use_attention_) return {classifier_(mean(features, 1)), Tensor()};
    const Index n = patches.shape()[0];
    const auto pooled = attention_(expand(query_, {n, 1, 32}), features);  // one query per image
    return {classifier_(reshape(pooled.output, {n, 32})), pooled.weights.value()};
  }

 private:
  bool use_attention_;
  Dense features_;
  Var query_;
  Attention attention_{{.use_scale = true}};
  Dense classifier_;
};

Real train(PatchClassifier& model, const Tensor& patches, const Tensor& labels, Index epochs, Generator& gen) {
  Adam adam(model.parameters(), {0.01});
  for (Index epoch = 0; epoch < epochs; ++epoch) {
    for (const auto& batch : batch_indices(labels.numel(), 64, gen)) {
      const Var loss = cross_entropy(model.forward(take(patches, batch)).first, take(labels, batch));
      adam.zero_grad();
      loss.backward();
      adam.step();
    }
  }
  const NoGradGuard no_graph;
  return mean(equal(argmax(model.forward(patches).first.value(), 1), labels)).item();
}

// A 3x3 block of weights in the terminal: colour on a terminal, shades of
// characters otherwise.
void print_heatmap(const Tensor& weights, Index n) {
  static const char kShades[] = " .:-=+*#%@";
  const bool colour = isatty(fileno(stdout)) != 0;
  for (Index row = 0; row < kGrid; ++row) {
    fmt::print("    ");
    for (Index col = 0; col < kGrid; ++col) {
      const Real w = weights.at({n, 0, row * kGrid + col});
      if (colour) {
        fmt::print("\033[48;5;{}m {:4.2f} \033[0m", 232 + static_cast<int>(std::round(w * 23)), w);
      } else {
        fmt::print("{0}{0}{1:4.2f}{0}{0}", kShades[std::min<int>(9, static_cast<int>(w * 10))], w);
      }
    }
    fmt::print("\n");
  }
}

void save_heatmaps(const Images& data, const Tensor& weights, Index shown, const std::string& path) {
  constexpr double kPixel = 14, kGap = 20;
  const double tile = kSide * kPixel;
  tutorial::Svg svg(static_cast<int>(shown * (tile + kGap) + kGap), static_cast<int>(tile + 2 * kGap + 10));
  for (Index n = 0; n < shown; ++n) {
    const double left = kGap + n * (tile + kGap);
    for (Index r = 0; r < kSide; ++r)
      for (Index c = 0; c < kSide; ++c) {
        const int grey = 255 - static_cast<int>(std::clamp<Real>(data.pixels.at({n, r, c}), 0, 1) * 255);
        svg.rect(left + c * kPixel, kGap + r * kPixel, kPixel, kPixel, fmt::format("rgb({0},{0},{0})", grey));
      }
    for (Index p = 0; p < kPatches; ++p) {
      svg.rect(left + (p % kGrid) * kPatch * kPixel, kGap + (p / kGrid) * kPatch * kPixel, kPatch * kPixel,
               kPatch * kPixel, "#ff3300", 0.6 * weights.at({n, 0, p}));
    }
    svg.text(left + tile / 2, tile + kGap + 18, fmt::format("{} (target in cell {})",
             data.labels.data()[n] == 0 ? "plus" : "ring", static_cast<int>(data.target_cell.data()[n])), 12, "middle");
  }
  svg.save(path);
}

}  // namespace

int main(int argc, char** argv) {
  const tutorial::Options options = tutorial::parse_options(
      argc, argv, "Tutorial 06: attention pooling over image patches vs a model that treats every region alike.");
  Generator gen(options.seed);
  const Index train_count = options.quick ? 600 : 3000, epochs = options.quick ? 8 : 30;
  const Images train_set = make_images(train_count, gen), test_set = make_images(1000, gen);
  const Tensor train_patches = to_patches(train_set.pixels), test_patches = to_patches(test_set.pixels);
  fmt::print("{} training and {} held-out images of 12x12, each cut into {} patches of {} pixels\n", train_count,
             test_set.labels.numel(), kPatches, kPatch * kPatch);

  Generator init_a(options.seed + 1), init_b(options.seed + 1);
  PatchClassifier baseline(false, init_a), attentive(true, init_b);
  const Real baseline_train = train(baseline, train_patches, train_set.labels, epochs, gen);
  const Real attentive_train = train(attentive, train_patches, train_set.labels, epochs, gen);
  const NoGradGuard no_graph;
  const auto accuracy = [&](PatchClassifier& model) {
    return mean(equal(argmax(model.forward(test_patches).first.value(), 1), test_set.labels)).item();
  };
  const Real baseline_test = accuracy(baseline), attentive_test = accuracy(attentive);
  fmt::print("\n{:<34} {:>10} {:>10}\n", "model", "train", "held-out");
  fmt::print("{:<34} {:>9.1f}% {:>9.1f}%\n", "mean pooling (every region alike)", baseline_train * 100, baseline_test * 100);
  fmt::print("{:<34} {:>9.1f}% {:>9.1f}%\n", "attention pooling", attentive_train * 100, attentive_test * 100);

  // Where does it look? The weight on the cell that really holds the target.
  const Tensor weights = attentive.forward(test_patches).second;  // (N, 1, 9)
  Index found = 0;
  for (Index n = 0; n < test_set.labels.numel(); ++n) {
    found += argmax(weights.reshape({-1, kPatches}), 1).data()[n] == test_set.target_cell.data()[n];
  }
  fmt::print("\nthe most-attended patch is the target's in {:.1f}% of held-out images\n",
             100.0 * found / test_set.labels.numel());
  for (Index n = 0; n < 3; ++n) {
    fmt::print("\nimage {} ({}, target in cell {}): attention over the 3x3 patches\n", n,
               test_set.labels.data()[n] == 0 ? "plus" : "ring", static_cast<int>(test_set.target_cell.data()[n]));
    print_heatmap(weights, n);
  }
  const std::string path = options.output_path("06_attention_heatmaps.svg");
  save_heatmaps(test_set, weights, 6, path);
  fmt::print("\nwrote {}\n", path);
  return options.quick || attentive_test > baseline_test + 0.05 ? 0 : 1;
}
