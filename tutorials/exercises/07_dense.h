// Exercise 7: the Dense layer, as a Module of your own.
//
//   y = x W + b        x (..., input_dim), W (input_dim, units), b (units)
//
// built from attograd's differentiable ops (matmul, +), so that its
// gradients come for free. Keras's initialisation: W drawn uniformly from
// [-a, a] with a = sqrt(6 / (input_dim + units)) (glorot_uniform, which
// keeps the variance of activations about the same from layer to layer), b
// zeros. Register them as parameters named "kernel" and "bias" so that
// optimizers and checkpoints find them. An input whose last axis is not
// input_dim is a mistake: throw a ShapeError naming the layer and the shape.
#pragma once

#include "tutorials/exercises/exercise.h"

#include "nn/module.h"

namespace atto::exercise {

class MyDense : public Layer {
 public:
  MyDense(Index input_dim, Index units, Generator& gen);
  [[nodiscard]] Var forward(const Var& x) override;
  [[nodiscard]] std::string type_name() const override { return "MyDense"; }

 private:
  Var kernel_, bias_;
};

}  // namespace atto::exercise
