// take_rows: table (V, D), indices (...) -> (..., D). The lookup behind an
// embedding layer; its backward adds each gradient row back into the row it
// was read from.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/errors.h"

#include <algorithm>
#include <cmath>

namespace atto {

Var take_rows(const Var& table, const Tensor& indices, Index skip_row) {
  if (table.value().rank() != 2) throw_shape_error("take_rows", "table must be (rows, dim), got {}", table.shape());
  const Index rows = table.shape()[0], dim = table.shape()[1];
  std::vector<Index> picked(indices.numel());
  for (Index i = 0; i < indices.numel(); ++i) {
    const Real r = indices.data()[i];
    if (!(r >= 0 && r < static_cast<Real>(rows)) || r != std::floor(r)) {
      throw_argument_error("take_rows", "index {} at position {} is not a row of a ({},{}) table", r, i, rows, dim);
    }
    picked[i] = static_cast<Index>(r);
  }
  Shape out_shape = indices.shape();
  out_shape.push_back(dim);
  Tensor out = Tensor::empty(out_shape);
  for (size_t i = 0; i < picked.size(); ++i) {
    std::copy_n(table.value().data() + picked[i] * dim, dim, out.data() + i * dim);
  }
  return record("take_rows", out, {table}, [picked, rows, dim, skip_row](const Tensor& g) -> Grads {
    // out[i, :] = table[picked[i], :]  ->  dtable[picked[i], :] += g[i, :]  (in order: deterministic)
    Tensor dtable = zeros({rows, dim});
    for (size_t i = 0; i < picked.size(); ++i) {
      if (picked[i] == skip_row) continue;
      Real* row = dtable.data() + picked[i] * dim;
      const Real* gi = g.data() + i * dim;
      for (Index d = 0; d < dim; ++d) row[d] += gi[d];
    }
    return {dtable};
  });
}

}  // namespace atto
