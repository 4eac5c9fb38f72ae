#include "nn/losses.h"

#include "core/errors.h"

namespace atto {

Var mse_loss(const Var& prediction, const Tensor& target) {
  if (!(prediction.shape() == target.shape())) {
    throw_shape_error("mse_loss", "prediction {} and target {} differ", prediction.shape(), target.shape());
  }
  const Var error = prediction - Var(target);
  return mean(error * error);
}

Var cross_entropy(const Var& logits, const Tensor& targets, Index ignore_index) {
  const int rank = logits.value().rank();
  if (rank < 2 || rank > 3 || targets.rank() != rank - 1) {
    throw_shape_error("cross_entropy", "logits {} and targets {}: need (N,C) with (N), or (N,T,C) with (N,T)",
                      logits.shape(), targets.shape());
  }
  if (rank == 2) return softmax_cross_entropy(logits, targets, ignore_index);
  const Index classes = logits.shape()[2];
  if (targets.shape()[0] != logits.shape()[0] || targets.shape()[1] != logits.shape()[1]) {
    throw_shape_error("cross_entropy", "logits {} and targets {} differ in (N,T)", logits.shape(), targets.shape());
  }
  return softmax_cross_entropy(reshape(logits, {logits.value().numel() / classes, classes}),
                               targets.reshape({-1}), ignore_index);
}

Var binary_cross_entropy_with_logits(const Var& logits, const Tensor& targets) {
  if (!(logits.shape() == targets.shape())) {
    throw_shape_error("binary_cross_entropy_with_logits", "logits {} and targets {} differ", logits.shape(),
                      targets.shape());
  }
  const Var abs_logits = relu(logits) + relu(-logits);
  return mean(relu(logits) - logits * Var(targets) + log(1 + exp(-abs_logits)));
}

}  // namespace atto
