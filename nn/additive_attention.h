// AdditiveAttention (Bahdanau), with the semantics of Keras's
// `keras.layers.AdditiveAttention`:
//   S[b,i,j] = sum_k scale[k] * tanh(q[b,i,k] + key[b,j,k])
// with `scale` a trainable vector of size d (glorot_uniform, i.e.
// U(-sqrt(3/d), sqrt(3/d))) when use_scale (the default), else all ones.
// Masks, softmax, dropout and the output are as in Attention (nn/attention.h).
// Like Keras, the layer has no W_q / W_k: true Bahdanau attention puts Dense
// projections of the query and key in front of it.
#pragma once

#include "nn/attention.h"

namespace atto {

struct AdditiveAttentionOptions {
  bool use_scale = true;
  Real dropout = 0;  // on the attention weights, in training
};

class AdditiveAttention : public ScoredAttention {
 public:
  // `features` is d, the size of the query's and key's last axis.
  explicit AdditiveAttention(Index features, const AdditiveAttentionOptions& options = {},
                             Generator& gen = default_generator());
  [[nodiscard]] std::string type_name() const override { return "AdditiveAttention"; }

 private:
  [[nodiscard]] Var scores(const Var& query, const Var& key) const override;

  bool use_scale_;
  Var scale_;
};

}  // namespace atto
