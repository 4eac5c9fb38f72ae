// Exercise 3: the backward of a matrix product.
//
//   out = a b       a (m, k), b (k, n), out (m, n)
//
// out[i][j] = sum_p a[i][p] b[p][j], so a[i][p] meets every b[p][j] of row p
// of b, through out[i][j]: dL/da[i][p] = sum_j g[i][j] b[p][j], which is the
// product of g with b transposed; likewise dL/db is a transposed times g.
// Write matmul_backward returning {dL/da, dL/db} with core/matmul.h's
// matmul(x, y, Transpose::a or ::b); check the shapes before the numbers:
// dL/da must be (m, k), dL/db (k, n).
#pragma once

#include "tutorials/exercises/exercise.h"

namespace atto::exercise {

Grads matmul_backward(const Tensor& a, const Tensor& b, const Tensor& g);

}  // namespace atto::exercise
