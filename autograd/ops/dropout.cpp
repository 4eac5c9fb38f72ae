// dropout: x -> same shape.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/map.h"

namespace atto {

Var dropout(const Var& x, Real p, bool training, Generator& generator) {
  if (!(p >= 0 && p <= 1)) throw_argument_error("dropout", "probability {} is not in [0, 1]", p);
  if (!training || p == 0) return x;
  // keep = 1/(1-p) with probability 1-p, else 0; p == 1 drops everything.
  const Real scale = p < 1 ? Real(1) / (1 - p) : Real(0);
  const Tensor keep = map(generator.uniform(x.shape()), [p, scale](Real u) { return u >= p ? scale : Real(0); });
  return record("dropout", atto::mul(x.value(), keep), {x}, [keep](const Tensor& g) -> Grads {
    // out = x * keep  ->  dx = g * keep
    return {atto::mul(g, keep)};
  });
}

}  // namespace atto
