// LayerNorm: normalise each vector along the last axis, then scale and shift.
//   y = (x - mean) / sqrt(var + eps) * gamma + beta     x (..., n) -> (..., n)
// mean and (biased) variance are over the last axis; gamma starts at 1 and
// beta at 0 (Keras's and PyTorch's defaults, eps 1e-5 as in PyTorch).
#pragma once

#include "nn/module.h"

namespace atto {

class LayerNorm : public Layer {
 public:
  explicit LayerNorm(Index features, Real eps = 1e-5);
  [[nodiscard]] Var forward(const Var& x) override;
  [[nodiscard]] std::string type_name() const override { return "LayerNorm"; }

 private:
  Var gamma_, beta_;
  Real eps_;
};

}  // namespace atto
