// The basic layers: Dense, Sequential, Dropout, Embedding.
#pragma once

#include "nn/activation.h"
#include "nn/module.h"

#include "core/random.h"

#include <memory>
#include <vector>

namespace atto {

// y = activation(x W + b): x (..., in) -> (..., out). Keras defaults: W
// glorot_uniform (in, out), b zeros.
class Dense : public Layer {
 public:
  Dense(Index in, Index out, Activation activation = Activation::linear, bool use_bias = true,
        Generator& gen = default_generator());
  Var forward(const Var& x) override;
  std::string type_name() const override { return "Dense"; }
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
  Var forward(const Var& x) override;
  std::string type_name() const override { return "Sequential"; }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
};

// Inverted dropout with probability p, active in training mode only.
class Dropout : public Layer {
 public:
  explicit Dropout(Real p, Generator& gen = default_generator());
  Var forward(const Var& x) override;
  std::string type_name() const override { return "Dropout"; }

 private:
  Real p_;
  Generator* gen_;
};

// Looks up rows of a (vocab, dim) table: indices (...) -> (..., dim). The row
// padding_index (if given) reads as zeros at first and never gets a gradient,
// so padding stays blank.
class Embedding : public Module {
 public:
  static constexpr Index kNoPadding = -1;
  Embedding(Index vocab, Index dim, Index padding_index = kNoPadding, Generator& gen = default_generator());
  Var forward(const Tensor& indices);
  Var operator()(const Tensor& indices) { return forward(indices); }
  std::string type_name() const override { return "Embedding"; }
  const Var& table() const { return table_; }

 private:
  Var table_;
  Index padding_index_;
};

}  // namespace atto
