#include "nn/losses.h"

#include "autograd/var.h"
#include "core/errors.h"
#include "core/map.h"
#include "core/reduce.h"
#include "core/scalar_math.h"

#include <algorithm>
#include <cmath>

namespace atto {

Var mse_loss(const Var& prediction, const Tensor& target) {
  if (!(prediction.shape() == target.shape())) {
    throw_shape_error("mse_loss", "prediction {} and target {} differ", prediction.shape(), target.shape());
  }
  const Var error = prediction - Var(target);
  // An empty batch has nothing to learn from: a loss of 0 (and gradients of
  // 0), as cross_entropy gives when every row is ignored, rather than
  // PyTorch's NaN.
  if (prediction.numel() == 0) return sum(error * error);
  return mean(error * error);
}

namespace {

// (N, C) with (N), or (N, T, C) with (N, T): the logits as (rows, C).
Var logits_as_rows(const Var& logits, const Shape& targets) {
  const int rank = logits.value().rank();
  if (rank < 2 || rank > 3 || targets.rank() != rank - 1) {
    throw_shape_error("cross_entropy", "logits {} and targets {}: need (N,C) with (N), or (N,T,C) with (N,T)",
                      logits.shape(), targets);
  }
  if (logits.shape()[rank - 1] == 0) {
    throw_shape_error("cross_entropy", "logits {} have no classes", logits.shape());
  }
  if (rank == 2) return logits;
  if (targets[0] != logits.shape()[0] || targets[1] != logits.shape()[1]) {
    throw_shape_error("cross_entropy", "logits {} and targets {} differ in (N,T)", logits.shape(), targets);
  }
  return reshape(logits, {logits.shape()[0] * logits.shape()[1], logits.shape()[2]});
}

}  // namespace

Var cross_entropy(const Var& logits, const Tensor& targets, std::optional<Index> ignore_index) {
  return softmax_cross_entropy(logits_as_rows(logits, targets.shape()), targets.reshape({-1}), ignore_index);
}

Var cross_entropy(const Var& logits, const Ids& targets, std::optional<Index> ignore_index) {
  return softmax_cross_entropy(logits_as_rows(logits, targets.shape()), targets.flattened(), ignore_index);
}

// binary_cross_entropy_with_logits: logits x and targets t of one shape -> scalar
//   loss = mean(softplus(x) - x t), softplus(x) = max(x, 0) + log(1 + exp(-|x|))
// One op with its own backward: softplus is smooth, but composing it from
// |x| = relu(x) + relu(-x) gives the kink at 0 a slope of 0, and a wrong
// gradient (-t instead of 1/2 - t) at a logit of exactly 0.
Var binary_cross_entropy_with_logits(const Var& logits, const Tensor& targets) {
  if (!(logits.shape() == targets.shape())) {
    throw_shape_error("binary_cross_entropy_with_logits", "logits {} and targets {} differ", logits.shape(),
                      targets.shape());
  }
  for (Index i = 0; i < targets.numel(); ++i) {
    const Real t = targets.data()[i];
    if (!(t >= 0 && t <= 1)) {
      throw_argument_error("binary_cross_entropy_with_logits", "target {} at position {} is not a probability in [0, 1]",
                           t, i);
    }
  }
  const Tensor x = logits.value();
  const Tensor per_element = map("binary_cross_entropy_with_logits", x, targets, [](Real xv, Real tv) {
    return std::max(xv, Real(0)) - xv * tv + std::log1p(std::exp(-std::abs(xv)));
  });
  // An empty batch gives 0, as mse_loss does (nn/losses.h).
  const Real count = static_cast<Real>(std::max<Index>(x.numel(), 1));
  return record("binary_cross_entropy_with_logits", "loss = mean(softplus(x) - x t)  ->  dx = g (sigmoid(x) - t) / n",
                x.numel() == 0 ? scalar(0) : atto::mean(per_element), {logits},
                [x, targets, count](const Tensor& g) -> Grads {
                  const Real scale = g.item() / count;
                  return {map("binary_cross_entropy_with_logits", x, targets,
                              [scale](Real xv, Real tv) { return scale * (sigmoid_of(xv) - tv); })};
                },
                {{"targets", targets}});
}

}  // namespace atto
