// Tutorial 06's models: the same patch embedding and linear classifier
// around five ways to pool the 9 patch features (mean, max, relu + mean, a
// learned query's attention, the article's self-attention then max), and
// two convolutional networks on the pixels; the training loop and the
// table of held-out accuracies over three seeds that compare them.
#pragma once

#include "nn/nn.h"
#include "tutorials/06_image_attention/tasks.h"

#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atto::tutorial::image_attention {

enum class Pooling { mean, max, relu_mean, attention, self_attention };
constexpr Pooling kPoolings[] = {Pooling::mean, Pooling::max, Pooling::relu_mean, Pooling::attention,
                                 Pooling::self_attention};

const char* pooling_name(Pooling pooling);

// With `positions`, a learned vector per cell (as Vision Transformers add)
// joins each patch's features, so that pooling and attention can tell
// where a patch was; without it every model here sees a bag of patches.
// The features are then 24 wide instead of 32, to keep the model's size.
class PatchClassifier : public Module {
 public:
  PatchClassifier(Pooling pooling, Generator& gen, bool positions = false)
      : pooling_(pooling),
        width_(positions ? 24 : 32),
        features_(kPatch * kPatch, {.units = width_}, gen),
        query_(gen.normal({1, 1, width_}, 0, 0.1), true),
        positions_(positions ? gen.normal({kPatches, width_}, 0, 0.1) : Tensor(), true),
        use_positions_(positions),
        classifier_(width_, {.units = 2}, gen) {
    register_module("features", features_);
    if (use_positions_) register_parameter("positions", positions_);
    if (pooling_ == Pooling::attention) register_parameter("query", query_);
    if (pooling_ == Pooling::attention || pooling_ == Pooling::self_attention) register_module("attention", attention_);
    register_module("classifier", classifier_);
  }
  std::string type_name() const override { return pooling_name(pooling_); }

  // patches (N, 9, 16) -> logits (N, 2); the attention weights too: (N, 1, 9)
  // for the learned query, (N, 9, 9) for self-attention (row i: where patch i looks).
  std::pair<Var, Tensor> forward(const Tensor& patches) {
    const Var embedded = features_(Var(patches));                              // (N, 9, 32)
    const Var features = use_positions_ ? embedded + positions_ : embedded;   // + (9, 32)
    switch (pooling_) {
      case Pooling::mean: return {classifier_(mean(features, 1)), Tensor()};
      case Pooling::max: return {classifier_(max(features, 1)), Tensor()};
      case Pooling::relu_mean: return {classifier_(mean(relu(features), 1)), Tensor()};
      case Pooling::self_attention: {
        // The article's image model: every region is a query, a key and a
        // value at once (Attention()([features, features])), so each region's
        // output mixes in the regions that resemble it.
        const auto mixed = attention_(features, features);  // (N, 9, 32)
        return {classifier_(max(mixed.output, 1)), mixed.weights.value()};
      }
      case Pooling::attention: break;
    }
    const Index n = patches.shape()[0];
    const auto pooled = attention_(expand(query_, {n, 1, width_}), features);  // one query per image
    return {classifier_(reshape(pooled.output, {n, width_})), pooled.weights.value()};
  }

 private:
  Pooling pooling_;
  Index width_;
  Dense features_;
  Var query_, positions_;
  bool use_positions_;
  Attention attention_{{.use_scale = true}};
  Dense classifier_;
};

// A small convolutional network of about the same size: two 3x3
// convolutions with a 2x2 max pool between them, then each filter's largest
// response anywhere in the image. A unit of the second convolution sees an
// 8x8 window of the image: two neighbouring cells at most.
class SmallCnn : public Module {
 public:
  explicit SmallCnn(Generator& gen)
      : first_(1, {.filters = 8, .padding = Padding::same, .activation = Activation::relu}, gen),
        second_(8, {.filters = 8, .padding = Padding::same, .activation = Activation::relu}, gen),
        classifier_(8, {.units = 2}, gen) {
    register_module("first", first_);
    register_module("second", second_);
    register_module("classifier", classifier_);
  }
  std::string type_name() const override { return "SmallCnn"; }

  // pixels (N, 12, 12) -> logits (N, 2)
  Var forward(const Tensor& pixels) {
    const Var image = Var(pixels.reshape({pixels.dim(0), kSide, kSide, 1}));      // channels last
    const Var features = second_(max_pool2d(first_(image), 2));                  // (N, 6, 6, 8)
    return classifier_(max(max(features, 1), 1));                                // (N, 8) -> (N, 2)
  }

 private:
  Conv2D first_, second_;
  Dense classifier_;
};

// A CNN whose units see the whole image: three 3x3 convolutions with a 2x2
// max pool after each of the first two. A unit of the third sees 18x18
// pixels of a 12x12 image, so two objects anywhere are inside one window.
// Six filters a layer, to stay near the other models' size.
class WideCnn : public Module {
 public:
  WideCnn(Generator& gen, Index filters)
      : first_(1, {.filters = filters, .padding = Padding::same, .activation = Activation::relu}, gen),
        second_(filters, {.filters = filters, .padding = Padding::same, .activation = Activation::relu}, gen),
        third_(filters, {.filters = filters, .padding = Padding::same, .activation = Activation::relu}, gen),
        classifier_(filters, {.units = 2}, gen) {
    register_module("first", first_);
    register_module("second", second_);
    register_module("third", third_);
    register_module("classifier", classifier_);
  }
  std::string type_name() const override { return "WideCnn"; }

  // pixels (N, 12, 12) -> logits (N, 2)
  Var forward(const Tensor& pixels) {
    const Var image = Var(pixels.reshape({pixels.dim(0), kSide, kSide, 1}));
    const Var features = third_(max_pool2d(second_(max_pool2d(first_(image), 2)), 2));  // (N, 3, 3, 6)
    return classifier_(max(max(features, 1), 1));
  }

 private:
  Conv2D first_, second_, third_;
  Dense classifier_;
};

// Adam on the cross-entropy of logits_of(batch) against the batch's labels
// (a batch: the indices of its examples).
void train(Module& model, const std::function<Var(const std::vector<Index>&)>& logits_of, const Tensor& labels,
           Index epochs, Generator& gen);

// One row of the results table: a model, its size, its held-out accuracy per seed.
struct Result {
  std::string model;
  Index parameters = 0;
  std::vector<Real> accuracy;
  Real average() const {
    return std::accumulate(accuracy.begin(), accuracy.end(), Real(0)) / static_cast<Real>(accuracy.size());
  }
};

// The rows of one table, found by model name: a name that is not there (a
// model left out in quick mode, a misspelling) throws instead of reading
// another model's row.
class Results {
 public:
  void add(Result result) { rows_.push_back(std::move(result)); }
  [[nodiscard]] const Result& operator[](std::string_view model) const;
  [[nodiscard]] bool has(std::string_view model) const;
  [[nodiscard]] const std::vector<Result>& rows() const { return rows_; }
  // The table: each model, its size, its average and each seed's accuracy.
  void print() const;

 private:
  std::vector<Result> rows_;
};

inline Var logits_of(const Var& logits) { return logits; }
inline Var logits_of(const std::pair<Var, Tensor>& logits_and_weights) { return logits_and_weights.first; }

// Held-out accuracy of one kind of model over three seeds: seed s gives every
// kind the same initial-weight stream and the same batch order. `first`,
// if given, keeps the first seed's model.
template <class Model>
Result over_seeds(const std::string& name, const std::function<std::unique_ptr<Model>(Generator&)>& make,
                  const Tensor& train_inputs, const Tensor& train_labels, const Tensor& test_inputs,
                  const Tensor& test_labels, Index epochs, std::uint64_t seed, std::unique_ptr<Model>* first) {
  Result result{name, 0, {}};
  for (std::uint64_t s = 0; s < 3; ++s) {
    Generator init(seed + 1 + s), order(seed + 100 + s);
    std::unique_ptr<Model> model = make(init);
    train(*model, [&](const std::vector<Index>& batch) { return logits_of(model->forward(take(train_inputs, batch))); },
          train_labels, epochs, order);
    const NoGradGuard no_graph;
    result.accuracy.push_back(
        mean(equal(argmax(logits_of(model->forward(test_inputs)).value(), 1), test_labels)).item());
    result.parameters = model->parameter_count();
    if (first && s == 0) *first = std::move(model);
  }
  return result;
}

// Attention pooling trained on prepared training images (N, 12, 12), scored
// on prepared held-out ones.
Real held_out_after(const Tensor& train_pixels, const Tensor& train_labels, const Tensor& test_pixels,
                    const Tensor& test_labels, Index epochs, std::uint64_t seed);

}  // namespace atto::tutorial::image_attention
