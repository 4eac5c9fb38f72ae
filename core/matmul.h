// matmul: matrix products of 2-D tensors, and batched products of 3-D and
// 4-D tensors over their last two axes.
//
//   (m,k) x (k,n) -> (m,n)
//   (..., m,k) x (..., k,n) -> (..., m,n)   leading (batch) axes broadcast
//
// trans_a / trans_b multiply by the transpose of an operand's last two axes
// without building it: matmul(g, w, false, true) is g w^T.
#pragma once

#include "core/tensor.h"

namespace atto {

Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a = false, bool trans_b = false);

// out (+)= op(a) op(b), writing into an existing tensor of the result's shape;
// with accumulate the product is added to what out holds.
void matmul_into(Tensor& out, const Tensor& a, const Tensor& b, bool trans_a, bool trans_b, bool accumulate);

}  // namespace atto
