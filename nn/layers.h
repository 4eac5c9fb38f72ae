// The basic layers: Dense, Sequential, Dropout, Embedding.
#pragma once

#include "nn/activation.h"
#include "nn/module.h"

#include "core/ids.h"
#include "core/random.h"

#include <memory>
#include <optional>
#include <vector>

namespace atto {

// Keras's names: Dense(input_dim, {.units = 64, .activation = Activation::relu}).
struct DenseOptions {
  Index units = 0;  // the output's last axis (required)
  Activation activation = Activation::linear;
  bool use_bias = true;
};

// y = activation(x W + b): x (..., input_dim) -> (..., units). Keras
// defaults: W glorot_uniform (input_dim, units), b zeros. Unlike Keras the
// input size is given, not inferred at the first call.
class Dense : public Layer {
 public:
  Dense(Index input_dim, const DenseOptions& options, Generator& gen = default_generator());
  [[nodiscard]] Var forward(const Var& x) override;
  [[nodiscard]] std::string type_name() const override { return "Dense"; }
  const Var& kernel() const { return kernel_; }
  const Var& bias() const { return bias_; }

 private:
  Var kernel_, bias_;
  Activation activation_;
  bool use_bias_;
};

// Applies its layers in order. Children are named "0", "1", ...
class Sequential : public Layer {
 public:
  Sequential& add(std::unique_ptr<Layer> layer);
  template <class L, class... Args>
  Sequential& add(Args&&... args) {
    return add(std::make_unique<L>(std::forward<Args>(args)...));
  }
  [[nodiscard]] Var forward(const Var& x) override;
  [[nodiscard]] std::string type_name() const override { return "Sequential"; }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
};

// Inverted dropout with probability p, active in training mode only.
class Dropout : public Layer {
 public:
  explicit Dropout(Real p, Generator& gen = default_generator());
  [[nodiscard]] Var forward(const Var& x) override;
  [[nodiscard]] std::string type_name() const override { return "Dropout"; }

 private:
  Real p_;
  Generator* gen_;
};

// Looks up rows of an (input_dim, output_dim) table (Keras's names; PyTorch's
// num_embeddings, embedding_dim): token ids (...) -> (..., output_dim). The
// row padding_index (PyTorch's padding_idx), if given, reads as zeros at first
// and never gets a gradient, so padding stays blank. A Layer, so it can open a
// Sequential; the ids it is given are constants, never differentiated.
class Embedding : public Layer {
 public:
  Embedding(Index input_dim, Index output_dim, std::optional<Index> padding_index = std::nullopt,
            Generator& gen = default_generator());
  [[nodiscard]] Var forward(const Var& ids) override;
  [[nodiscard]] Var forward(const Tensor& ids);
  [[nodiscard]] Var forward(const Ids& ids);  // exact at any vocabulary size (core/ids.h)
  [[nodiscard]] Var operator()(const Tensor& ids) {
    const GraphScope scope = graph_scope();
    return forward(ids);
  }
  [[nodiscard]] Var operator()(const Ids& ids) {
    const GraphScope scope = graph_scope();
    return forward(ids);
  }
  using Layer::operator();
  [[nodiscard]] std::string type_name() const override { return "Embedding"; }
  const Var& table() const { return table_; }

 private:
  Var table_;
  std::optional<Index> padding_index_;
};

}  // namespace atto
