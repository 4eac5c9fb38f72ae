#include "tutorials/06_image_attention/models.h"

#include <fmt/format.h>

namespace atto::tutorial::image_attention {

const char* pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::mean: return "mean pooling (linear)";
    case Pooling::max: return "max pooling";
    case Pooling::relu_mean: return "relu, then mean pooling";
    case Pooling::attention: return "attention pooling";
    default: return "self-attention, then max";
  }
}

// Adam on the cross-entropy of logits_of(batch) against the batch's labels
// (a batch: the indices of its examples).
void train(Module& model, const std::function<Var(const std::vector<Index>&)>& logits_of, const Tensor& labels, Index epochs,
           Generator& gen) {
  Adam adam(model.parameters(), {0.01});
  for (Index epoch = 0; epoch < epochs; ++epoch) {
    for (const auto& batch : batch_indices(labels.numel(), 64, gen)) {
      const Var loss = cross_entropy(logits_of(batch), take(labels, batch));
      adam.zero_grad();
      loss.backward();
      adam.step();
    }
  }
}

const Result& Results::operator[](std::string_view model) const {
  for (const Result& row : rows_) {
    if (row.model == model) return row;
  }
  throw_argument_error("Results", "no model named '{}' in this table", model);
}

bool Results::has(std::string_view model) const {
  return std::ranges::any_of(rows_, [&](const Result& row) { return row.model == model; });
}

void Results::print() const {
  fmt::print("\n{:<36} {:>10} {:>22} {:>11}\n", "model", "parameters", "held-out, 3 seeds", "(each)");
  for (const Result& r : rows_) {
    fmt::print("{:<36} {:>10} {:>21.1f}% {:>5.1f} {:>4.1f} {:>4.1f}\n", r.model, r.parameters, r.average() * 100,
               r.accuracy[0] * 100, r.accuracy[1] * 100, r.accuracy[2] * 100);
  }
}

// Attention pooling trained on prepared training images (N, 12, 12), scored
// on prepared held-out ones.
Real held_out_after(const Tensor& train_pixels, const Tensor& train_labels, const Tensor& test_pixels,
                    const Tensor& test_labels, Index epochs, std::uint64_t seed) {
  Generator init(seed), order(seed + 100);
  PatchClassifier model(Pooling::attention, init);
  const Tensor patches = to_patches(train_pixels);
  train(model, [&](const std::vector<Index>& batch) { return model.forward(take(patches, batch)).first; }, train_labels, epochs,
        order);
  const NoGradGuard no_graph;
  return mean(equal(argmax(model.forward(to_patches(test_pixels)).first.value(), 1), test_labels)).item();
}

}  // namespace atto::tutorial::image_attention
