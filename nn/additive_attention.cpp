#include "nn/additive_attention.h"

#include "autograd/ops.h"
#include "core/errors.h"
#include "nn/init.h"

namespace atto {

AdditiveAttention::AdditiveAttention(Index features, const AdditiveAttentionOptions& options, Generator& gen)
    : ScoredAttention("AdditiveAttention", options.dropout, gen),
      use_scale_(options.use_scale),
      scale_(options.use_scale ? init::glorot_uniform({positive_size("AdditiveAttention", "features", features)}, gen)
                       : ones({positive_size("AdditiveAttention", "features", features)}),
             true) {
  if (use_scale_) register_parameter("scale", scale_);
}

Var AdditiveAttention::scores(const Var& query, const Var& key) const {
  const Index d = scale_.shape()[0];
  if (query.shape()[2] != d) {
    throw_shape_error("AdditiveAttention", "query {} has {} features, the layer was built for {}", query.shape(),
                      query.shape()[2], d);
  }
  // (B,Tq,1,d) + (B,1,Tv,d) -> tanh -> weighted by scale over d -> (B,Tq,Tv)
  const Var pairs = tanh(unsqueeze(query, 2) + unsqueeze(key, 1));
  return sum(use_scale_ ? pairs * scale_ : pairs, -1);
}

}  // namespace atto
