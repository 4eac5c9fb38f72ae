#include "core/matmul.h"

#include "core/errors.h"
#include "core/gemm.h"
#include "core/parallel.h"

#include <array>

namespace atto {

namespace {

constexpr Index kBatchedParallelMultiplyAdds = kParallelMultiplyAdds / 8;

// Shapes of one product, checked: the batch shape (broadcast) and m, n, k.
struct Plan {
  Shape batch;
  Index m = 0, n = 0, k = 0;
  std::array<Index, kMaxRank> a_batch_strides{}, b_batch_strides{};
  Shape out_shape() const {
    Shape shape = batch;
    shape.push_back(m);
    shape.push_back(n);
    return shape;
  }
};

Plan plan(const Tensor& a, const Tensor& b, Transpose transpose) {
  if (transpose != Transpose::none && transpose != Transpose::a && transpose != Transpose::b &&
      transpose != Transpose::both) {
    throw_argument_error("matmul", "transpose {} is not Transpose::none, a, b or both", static_cast<int>(transpose));
  }
  const bool trans_a = transposes_a(transpose), trans_b = transposes_b(transpose);
  const int ra = a.rank(), rb = b.rank();
  if (ra < 2 || rb < 2 || ra > 4 || rb > 4) {
    throw_shape_error("matmul", "{} x {}: operands must have rank 2, 3 or 4", a.shape(), b.shape());
  }
  Plan p;
  p.m = a.shape()[trans_a ? ra - 1 : ra - 2];
  p.k = a.shape()[trans_a ? ra - 2 : ra - 1];
  const Index kb = b.shape()[trans_b ? rb - 1 : rb - 2];
  p.n = b.shape()[trans_b ? rb - 2 : rb - 1];
  if (p.k != kb) {
    throw_shape_error("matmul", "{}{} x {}{}: inner dims {} != {}", a.shape(), trans_a ? "^T" : "", b.shape(),
                      trans_b ? "^T" : "", p.k, kb);
  }
  const Shape a_batch(std::span<const Index>(a.shape().begin(), ra - 2));
  const Shape b_batch(std::span<const Index>(b.shape().begin(), rb - 2));
  try {
    p.batch = broadcast_shapes("matmul", a_batch, b_batch);
  } catch (const ShapeError&) {
    throw_shape_error("matmul", "{} x {}: batch dims {} and {} do not broadcast", a.shape(), b.shape(), a_batch,
                      b_batch);
  }
  // Batch strides in units of whole matrices; 0 where an operand is broadcast.
  auto strides = [&](const Shape& own, std::array<Index, kMaxRank>& out) {
    Index stride = 1;
    for (int i = own.rank() - 1, j = p.batch.rank() - 1; j >= 0; --i, --j) {
      const Index dim = i >= 0 ? own[i] : 1;
      out[j] = dim == 1 ? 0 : stride;
      stride *= dim;
    }
  };
  strides(a_batch, p.a_batch_strides);
  strides(b_batch, p.b_batch_strides);
  return p;
}

}  // namespace

void matmul_into(Tensor& out, const Tensor& a, const Tensor& b, Transpose transpose, Into mode) {
  const bool trans_a = transposes_a(transpose), trans_b = transposes_b(transpose);
  if (mode != Into::replace && mode != Into::add) {
    throw_argument_error("matmul_into", "mode {} is neither Into::replace nor Into::add", static_cast<int>(mode));
  }
  const bool accumulate = mode == Into::add;
  const Plan p = plan(a, b, transpose);
  if (!(out.shape() == p.out_shape())) {
    throw_shape_error("matmul", "{} x {} gives {}, but the output is {}", a.shape(), b.shape(), p.out_shape(),
                      out.shape());
  }
  const Index batches = p.batch.numel();
  const Index a_rows = a.shape()[a.rank() - 2], a_cols = a.shape()[a.rank() - 1];
  const Index b_rows = b.shape()[b.rank() - 2], b_cols = b.shape()[b.rank() - 1];
  if (batches == 1 || (b.rank() == 2 && !trans_a)) {
    // One gemm: a (..., m, k) against a shared 2-D b is a single (batch*m, k) x (k, n).
    const Index rows = batches * p.m;
    gemm(rows, p.n, p.k, {a.data(), a_cols, trans_a}, {b.data(), b_cols, trans_b}, out.data(), p.n, accumulate);
    return;
  }
  // Many independent products: one per thread, each gemm running serially,
  // and threads once all of them together hold kBatchedParallelMultiplyAdds.
  // That is an eighth of a single gemm's threshold: the threads share whole
  // products with no barrier between them, and small products spend most of
  // their time packing (tutorial 09's attention, 32 products of (10 x 64)
  // by (64 x 20), ran at a fifth of a large product's speed per
  // multiply-add).
  const auto batch_strides = contiguous_strides(p.batch);
  const Index cost_per_product = p.m * p.n * p.k / (kBatchedParallelMultiplyAdds / kParallelGrain) + 1;
  parallel_for(batches, cost_per_product, [&](Index begin, Index end) {
    for (Index item = begin; item < end; ++item) {
      Index a_offset = 0, b_offset = 0;
      for (int axis = 0; axis < p.batch.rank(); ++axis) {
        const Index i = item / batch_strides[axis] % p.batch[axis];
        a_offset += i * p.a_batch_strides[axis];
        b_offset += i * p.b_batch_strides[axis];
      }
      gemm_serial(p.m, p.n, p.k, {a.data() + a_offset * a_rows * a_cols, a_cols, trans_a},
                  {b.data() + b_offset * b_rows * b_cols, b_cols, trans_b}, out.data() + item * p.m * p.n, p.n,
                  accumulate);
    }
  });
}

Tensor matmul(const Tensor& a, const Tensor& b, Transpose transpose) {
  Tensor out = Tensor::empty(plan(a, b, transpose).out_shape(), "matmul");
  matmul_into(out, a, b, transpose);
  return out;
}

}  // namespace atto
