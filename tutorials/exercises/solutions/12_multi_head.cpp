#include "tutorials/exercises/12_multi_head.h"

#include "core/errors.h"

namespace atto::exercise {

Var split_heads(const Var& x, Index heads) {
  if (x.value().rank() != 3 || heads < 1 || x.shape()[2] % heads != 0) {
    throw_shape_error("split_heads", "input {} cannot be cut into {} heads", x.shape(), heads);
  }
  const Index batch = x.shape()[0], time = x.shape()[1], dim = x.shape()[2] / heads;
  return permute(reshape(x, {batch, time, heads, dim}), {0, 2, 1, 3});
}

Var merge_heads(const Var& x) {
  const Index batch = x.shape()[0], heads = x.shape()[1], time = x.shape()[2], dim = x.shape()[3];
  return reshape(permute(x, {0, 2, 1, 3}), {batch, time, heads * dim});
}

}  // namespace atto::exercise
