// matmul: matrix products of 2-D tensors, and batched products of 3-D and
// 4-D tensors over their last two axes.
//
//   (m,k) x (k,n) -> (m,n)
//   (..., m,k) x (..., k,n) -> (..., m,n)   leading (batch) axes broadcast
//
// A Transpose multiplies by the transpose of an operand's last two axes
// without building it: matmul(g, w, Transpose::b) is g w^T.
#pragma once

#include "core/tensor.h"

namespace atto {

// Which operands enter the product transposed.
enum class Transpose { none, a, b, both };

[[nodiscard]] constexpr bool transposes_a(Transpose t) { return t == Transpose::a || t == Transpose::both; }
[[nodiscard]] constexpr bool transposes_b(Transpose t) { return t == Transpose::b || t == Transpose::both; }
// The Transpose that transposes a when `a` holds and b when `b` holds (for
// backward formulas, which flip each operand's transpose).
constexpr Transpose transpose_of(bool a, bool b) {
  return a ? (b ? Transpose::both : Transpose::a) : (b ? Transpose::b : Transpose::none);
}

[[nodiscard]] Tensor matmul(const Tensor& a, const Tensor& b, Transpose transpose = Transpose::none);

// Whether matmul_into replaces what `out` holds or adds the product to it.
enum class Into { replace, add };

// out = op(a) op(b) (or out += with Into::add), into an existing tensor of the
// result's shape.
void matmul_into(Tensor& out, const Tensor& a, const Tensor& b, Transpose transpose = Transpose::none,
                 Into mode = Into::replace);

}  // namespace atto
