// where and masked_fill: choosing elements by a constant condition.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/reduce.h"

namespace atto {

// condition, a, b -> broadcast(condition, a, b)
Var where(const Tensor& condition, const Var& a, const Var& b) {
  return record("where", atto::where(condition, a.value(), b.value()), {a, b},
                [condition, sa = a.shape(), sb = b.shape()](const Tensor& g) -> Grads {
                  // out = c ? a : b  ->  da = g where c, db = g where not c (each summed to its shape)
                  const Tensor zero = scalar(0);
                  return {sum_to(atto::where(condition, g, zero), sa), sum_to(atto::where(condition, zero, g), sb)};
                });
}

// x, mask (broadcasts to x) -> x's shape
Var masked_fill(const Var& x, const Tensor& mask, Real value) {
  if (!(broadcast_shapes("masked_fill", mask.shape(), x.shape()) == x.shape())) {
    throw_shape_error("masked_fill", "mask {} does not broadcast to x {}", mask.shape(), x.shape());
  }
  return where(mask, Var(scalar(value)), x);
}

}  // namespace atto
