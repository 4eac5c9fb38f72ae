// The library's Dense holding the same weights as the learner's MyDense
// (exercise 7), so that a check can compare the two.
#pragma once

#include "tutorials/exercises/07_dense.h"

#include "nn/layers.h"

#include <memory>

namespace atto::exercise {

inline std::unique_ptr<Dense> library_dense(MyDense& yours, Activation activation = Activation::linear) {
  const auto params = yours.named_parameters();
  auto dense = std::make_unique<Dense>(
      params.at(0).second.shape()[0], DenseOptions{.units = params.at(0).second.shape()[1], .activation = activation});
  for (std::size_t i = 0; i < 2; ++i) dense->named_parameters()[i].second.mutable_value() = params.at(i).second.value().clone();
  return dense;
}

}  // namespace atto::exercise
