// softmax_cross_entropy: logits (N, C), targets (N) -> () , fused.
//
// One pass computes log-softmax and picks each row's target; the backward is
// the famous (softmax - one_hot) / count, with no Jacobian in sight.
#include "autograd/ops.h"
#include "autograd/var.h"
#include "core/cpu_kernels.h"
#include "core/errors.h"
#include "core/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace atto {

namespace {

void check_logits(const Var& logits) {
  if (logits.value().rank() != 2) {
    throw_shape_error("softmax_cross_entropy", "logits must be (rows, classes), got {}", logits.shape());
  }
  if (logits.shape()[1] == 0) throw_shape_error("softmax_cross_entropy", "logits {} have no classes", logits.shape());
}

void check_target_shape(const Shape& targets, Index rows) {
  if (!(targets == Shape{rows})) {
    throw_shape_error("softmax_cross_entropy", "targets {} do not match {} rows of logits", targets, rows);
  }
}

// The class index of each row, or -1 for a row to ignore. Throws on targets
// that are not whole numbers in [0, classes).
std::vector<Index> checked_targets(const Tensor& targets, Index rows, Index classes,
                                   std::optional<Index> ignore_index) {
  check_target_shape(targets.shape(), rows);
  std::vector<Index> picked(rows);
  for (Index r = 0; r < rows; ++r) {
    const Real t = targets.data()[r];
    if (ignore_index && t == static_cast<Real>(*ignore_index)) {
      picked[r] = -1;
      continue;
    }
    if (!(t >= 0 && t < static_cast<Real>(classes)) || t != std::floor(t)) {
      throw_argument_error("softmax_cross_entropy", "target {} at row {} is not a class index in [0, {})", t, r,
                           classes);
    }
    // As in take_rows: from 2^24 on (float) a target may have been rounded.
    if (t >= static_cast<Real>(Index{1} << std::numeric_limits<Real>::digits)) {
      throw_argument_error("softmax_cross_entropy", "target {} at row {} is beyond the class indices this build's "
                           "numbers hold exactly; pass them as Ids (core/ids.h), or use the double build", t, r);
    }
    picked[r] = static_cast<Index>(t);
  }
  return picked;
}

std::vector<Index> checked_targets(const Ids& targets, Index rows, Index classes, std::optional<Index> ignore_index) {
  check_target_shape(targets.shape(), rows);
  std::vector<Index> picked(rows);
  for (Index r = 0; r < rows; ++r) {
    const Index t = targets[r];
    if (ignore_index && t == *ignore_index) {
      picked[r] = -1;
    } else if (t < 0 || t >= classes) {
      throw_argument_error("softmax_cross_entropy", "target {} at row {} is not a class index in [0, {})", t, r,
                           classes);
    } else {
      picked[r] = t;
    }
  }
  return picked;
}

// The op itself, on each row's checked class index (-1: ignored).
// logits (N, C), picked (N) -> ()
Var cross_entropy_of_picked(const Var& logits, const std::vector<Index>& picked) {
  const Index rows = logits.shape()[0], classes = logits.shape()[1];
  const Tensor log_probs = atto::log_softmax(logits.value());
  Index counted = 0;
  Real total = 0;
  for (Index r = 0; r < rows; ++r) {
    if (picked[r] < 0) continue;
    total -= log_probs.data()[r * classes + picked[r]];
    ++counted;
  }
  // Every row ignored: nothing to learn from, a loss of 0 rather than 0/0.
  const Real scale = counted > 0 ? Real(1) / static_cast<Real>(counted) : Real(0);
  return record("softmax_cross_entropy",
                "loss = -(1/count) sum_r log_softmax(x_r)[t_r]  ->  dx_r = g/count * (softmax(x_r) - one_hot(t_r))",
                scalar(total * scale), {logits},
                [log_probs, picked, scale, classes](const Tensor& g) -> Grads {
                  Tensor dx = Tensor::empty(log_probs.shape());
                  const Real factor = g.item() * scale;
                  const detail::VectorMathKernel& math = detail::active_vector_math();
                  for (size_t r = 0; r < picked.size(); ++r) {
                    Real* d = dx.data() + r * classes;
                    if (picked[r] < 0) {
                      std::fill_n(d, classes, Real(0));
                      continue;
                    }
                    math.exp(log_probs.data() + r * classes, 0, d, classes);  // softmax(x_r)
                    d[picked[r]] -= 1;
                    math.scale(d, factor, classes);
                  }
                  return {dx};
                });
}

}  // namespace

// logits (N, C), targets (N) -> ()
Var softmax_cross_entropy(const Var& logits, const Tensor& targets, std::optional<Index> ignore_index) {
  check_logits(logits);
  return cross_entropy_of_picked(logits, checked_targets(targets, logits.shape()[0], logits.shape()[1], ignore_index));
}

// logits (N, C), targets (N) -> ()
Var softmax_cross_entropy(const Var& logits, const Ids& targets, std::optional<Index> ignore_index) {
  check_logits(logits);
  return cross_entropy_of_picked(logits, checked_targets(targets, logits.shape()[0], logits.shape()[1], ignore_index));
}

}  // namespace atto
