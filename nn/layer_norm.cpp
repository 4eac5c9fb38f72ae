#include "nn/layer_norm.h"

#include "autograd/ops.h"
#include "core/errors.h"

namespace atto {

LayerNorm::LayerNorm(Index features, Real eps)
    : gamma_(ones({positive_size("LayerNorm", "features", features)}), true),
      beta_(zeros({features}), true),
      eps_(eps) {
  if (!(eps > 0)) throw_argument_error("LayerNorm", "eps {} must be positive", eps);
  register_parameter("gamma", gamma_);
  register_parameter("beta", beta_);
}

Var LayerNorm::forward(const Var& x) {
  const Index n = gamma_.shape()[0];
  if (x.value().rank() < 1 || x.shape()[x.value().rank() - 1] != n) {
    throw_shape_error("LayerNorm", "input {} does not end in {} features", x.shape(), n);
  }
  return layer_norm(x, gamma_, beta_, eps_);
}

}  // namespace atto
