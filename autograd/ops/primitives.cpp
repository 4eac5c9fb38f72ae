// The primitive differentiable ops, one section each, every forward with its
// backward beside it. Each op starts with a shape comment; each backward
// quotes (or names) the forward line it differentiates. The fused ops, whose
// backward is written by hand for speed, are in autograd/ops/fused/.
#include "autograd/ops.h"
#include "autograd/var.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/map.h"
#include "core/matmul.h"
#include "core/reduce.h"
#include "core/shape_ops.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace atto {

// ===========================================================================
// add, sub, mul, div, neg, pow, and the operators built on them.
//
// Binary ops broadcast. Whatever the forward repeated, the backward sums back:
// sum_to(g, shape) turns the gradient of the broadcast result into the
// gradient of the operand (core/reduce.h). It is the one place that rule lives.
// ===========================================================================

// (...a) + (...b) -> broadcast(a, b)
Var add(const Var& a, const Var& b) {
  return record("add", "out = a + b  ->  da = g, db = g (summed over broadcast dims)",
                atto::add(a.value(), b.value()), {a, b},
                [sa = a.shape(), sb = b.shape()](const Tensor& g) -> Grads {
                  return {sum_to(g, sa), sum_to(g, sb)};
                });
}

// (...a) - (...b) -> broadcast(a, b)
Var sub(const Var& a, const Var& b) {
  return record("sub", "out = a - b  ->  da = g, db = -g",
                atto::sub(a.value(), b.value()), {a, b},
                [sa = a.shape(), sb = b.shape()](const Tensor& g) -> Grads {
                  return {sum_to(g, sa), sum_to(atto::neg(g), sb)};
                });
}

// (...a) * (...b) -> broadcast(a, b)
Var mul(const Var& a, const Var& b) {
  return record("mul", "out = a * b  ->  da = g * b, db = g * a",
                atto::mul(a.value(), b.value()), {a, b},
                [a = a.value(), b = b.value()](const Tensor& g, const std::vector<bool>& needs) -> Grads {
                  return {needs[0] ? sum_to(atto::mul(g, b), a.shape()) : Tensor(),
                          needs[1] ? sum_to(atto::mul(g, a), b.shape()) : Tensor()};
                });
}

// (...a) / (...b) -> broadcast(a, b)
Var div(const Var& a, const Var& b) {
  return record("div", "out = a / b  ->  da = g / b, db = -g * a / b^2",
                atto::div(a.value(), b.value()), {a, b},
                [a = a.value(), b = b.value()](const Tensor& g, const std::vector<bool>& needs) -> Grads {
                  Tensor db;
                  if (needs[1]) {
                    db = sum_to(map("div", atto::mul(g, a), b, [](Real ga, Real y) { return -ga / (y * y); }),
                                b.shape());
                  }
                  return {needs[0] ? sum_to(atto::div(g, b), a.shape()) : Tensor(), db};
                });
}

// x -> same shape
Var neg(const Var& x) {
  return record("neg", "out = -x  ->  dx = -g",
                atto::neg(x.value()), {x}, [](const Tensor& g) -> Grads {
                  return {atto::neg(g)};
                });
}

// x -> same shape
Var pow(const Var& x, Real exponent) {
  return record("pow", "out = x^p  ->  dx = g * p * x^(p-1)",
                atto::pow(x.value(), exponent), {x}, [x = x.value(), exponent](const Tensor& g) -> Grads {
                  return {map("pow", x, g, [exponent](Real v, Real gv) { return gv * exponent * std::pow(v, exponent - 1); })};
                });
}

Var operator+(const Var& a, const Var& b) { return add(a, b); }
Var operator-(const Var& a, const Var& b) { return sub(a, b); }
Var operator*(const Var& a, const Var& b) { return mul(a, b); }
Var operator/(const Var& a, const Var& b) { return div(a, b); }
Var operator-(const Var& x) { return neg(x); }
// A Real operand is a constant: a rank-0 leaf that needs no gradient.
Var operator+(const Var& a, Real b) { return add(a, Var(scalar(b))); }
Var operator-(const Var& a, Real b) { return sub(a, Var(scalar(b))); }
Var operator*(const Var& a, Real b) { return mul(a, Var(scalar(b))); }
Var operator/(const Var& a, Real b) { return div(a, Var(scalar(b))); }
Var operator+(Real a, const Var& b) { return add(Var(scalar(a)), b); }
Var operator-(Real a, const Var& b) { return sub(Var(scalar(a)), b); }
Var operator*(Real a, const Var& b) { return mul(Var(scalar(a)), b); }
Var operator/(Real a, const Var& b) { return div(Var(scalar(a)), b); }

// ===========================================================================
// exp, log, tanh, sigmoid, relu: x -> same shape.
//
// Each backward is one fused elementwise pass, written in terms of the saved
// input x or the saved output y, whichever makes the derivative simplest.
// ===========================================================================

// x -> same shape
Var exp(const Var& x) {
  Tensor y = atto::exp(x.value());
  return record("exp", "y = exp(x)  ->  dx = g * y",
                y, {x}, [y](const Tensor& g) -> Grads {
                  return {atto::mul(g, y)};
                });
}

// x -> same shape
Var log(const Var& x) {
  return record("log", "y = log(x)  ->  dx = g / x",
                atto::log(x.value()), {x}, [x = x.value()](const Tensor& g) -> Grads {
                  return {atto::div(g, x)};
                });
}

// x -> same shape
Var tanh(const Var& x) {
  Tensor y = atto::tanh(x.value());
  return record("tanh", "y = tanh(x)  ->  dx = g * (1 - y^2)",
                y, {x}, [y](const Tensor& g) -> Grads {
                  return {map("tanh", y, g, [](Real yv, Real gv) { return gv * (1 - yv * yv); })};
                });
}

// x -> same shape
Var sigmoid(const Var& x) {
  Tensor y = atto::sigmoid(x.value());
  return record("sigmoid", "y = sigmoid(x)  ->  dx = g * y * (1 - y)",
                y, {x}, [y](const Tensor& g) -> Grads {
                  return {map("sigmoid", y, g, [](Real yv, Real gv) { return gv * yv * (1 - yv); })};
                });
}

// x -> same shape
Var relu(const Var& x) {
  return record("relu", "y = max(x, 0)  ->  dx = g where x > 0, else 0",
                atto::relu(x.value()), {x}, [x = x.value()](const Tensor& g) -> Grads {
                  return {map("relu", x, g, [](Real xv, Real gv) { return xv > 0 ? gv : Real(0); })};
                });
}

// ===========================================================================
// sum, mean, max: the backward of a reduction spreads the gradient back over
// the axis it collapsed.
// ===========================================================================

namespace {

// The gradient of a reduction over `axis` has the reduced shape; put the
// axis back (as size 1) so it broadcasts against the input.
Tensor with_axis_restored(const Tensor& g, const Shape& input, int axis, bool keepdim) {
  return keepdim ? g : g.reshape(input.with_axis(axis, 1));
}

// 0, 1, ..., n-1 along `axis`, shaped (1, .., n, .., 1) to broadcast against `shape`.
Tensor axis_positions(const Shape& shape, int axis) {
  Shape along;
  for (int i = 0; i < shape.rank(); ++i) along.push_back(i == axis ? shape[axis] : 1);
  return arange(static_cast<Real>(shape[axis])).reshape(along);
}

}  // namespace

// x -> ()
Var sum(const Var& x) {
  return record("sum", "out = sum_i x_i  ->  dx_i = g",
                atto::sum(x.value()), {x}, [shape = x.shape()](const Tensor& g) -> Grads {
                  return {full(shape, g.item())};
                });
}

// (..., n, ...) -> (..., ...), or (..., 1, ...) with keepdim
Var sum(const Var& x, int axis, bool keepdim) {
  const int a = normalize_axis("sum", axis, x.value().rank());
  return record("sum", "out[.., ..] = sum_k x[.., k, ..]  ->  dx[.., k, ..] = g[.., ..] for every k",
                atto::sum(x.value(), a, keepdim), {x}, [shape = x.shape(), a, keepdim](const Tensor& g) -> Grads {
                  return {expand(with_axis_restored(g, shape, a, keepdim), shape)};
                });
}

// x -> ()
Var mean(const Var& x) {
  return record("mean", "out = sum_i x_i / n  ->  dx_i = g / n",
                atto::mean(x.value()), {x}, [shape = x.shape()](const Tensor& g) -> Grads {
                  return {full(shape, g.item() / static_cast<Real>(shape.numel()))};
                });
}

// (..., n, ...) -> (..., ...), or (..., 1, ...) with keepdim
Var mean(const Var& x, int axis, bool keepdim) {
  const int a = normalize_axis("mean", axis, x.value().rank());
  return record("mean", "out[.., ..] = sum_k x[.., k, ..] / n  ->  dx[.., k, ..] = g[.., ..] / n",
                atto::mean(x.value(), a, keepdim), {x}, [shape = x.shape(), a, keepdim](const Tensor& g) -> Grads {
                  const Real n = static_cast<Real>(shape[a]);
                  return {expand(with_axis_restored(g, shape, a, keepdim), shape) / n};
                });
}

// (..., n, ...) -> (..., ...), or (..., 1, ...) with keepdim
Var max(const Var& x, int axis, bool keepdim) {
  const int a = normalize_axis("max", axis, x.value().rank());
  Tensor out = atto::max(x.value(), a, keepdim);  // first: its errors name max, not argmax
  const Tensor first_max = argmax(x.value(), a, true);
  return record("max", "out[.., ..] = x[.., k*, ..], k* the first argmax  ->  dx[.., k*, ..] = g[.., ..], 0 elsewhere",
                out, {x},
                [shape = x.shape(), a, keepdim, first_max](const Tensor& g) -> Grads {
                  const Tensor is_max = equal(first_max, axis_positions(shape, a));
                  return {atto::mul(is_max, with_axis_restored(g, shape, a, keepdim))};
                });
}

// ===========================================================================
// matmul: C = op(A) op(B), where op transposes the last two axes when asked.
//
// (.., m, k) x (.., k, n) -> (.., m, n), leading axes broadcast.
//
// With G = dL/dC the textbook gradients are dL/d op(A) = G op(B)^T and
// dL/d op(B) = op(A)^T G. When an operand was used transposed, its gradient
// is the transpose of that, which a Transpose expresses without building any
// transposed copy.
// ===========================================================================

namespace {

// A batch of products against one shared matrix B, (.., m, k) x (k, n): the
// gradient of B is a single GEMM over all batch rows, not a batch of GEMMs
// summed afterwards.
Tensor shared_matrix_grad(const Tensor& a, const Tensor& g, bool trans_b) {
  const Index k = a.shape()[a.rank() - 1], n = g.shape()[g.rank() - 1];
  // The row count is spelled out: -1 cannot be inferred when k or n is 0.
  const Index rows = a.shape().without_axis(a.rank() - 1).numel();
  const Tensor a_rows = a.reshape({rows, k}), g_rows = g.reshape({rows, n});
  // dB = A^T G over all rows (B used as is), or its transpose G^T A.
  return trans_b ? matmul(g_rows, a_rows, Transpose::a) : matmul(a_rows, g_rows, Transpose::a);
}

}  // namespace

// (.., m, k) x (.., k, n) -> (.., m, n); with Transpose::a, a is (.., k, m), with ::b, b is (.., n, k)
Var matmul(const Var& a, const Var& b, Transpose transpose) {
  const bool trans_a = transposes_a(transpose), trans_b = transposes_b(transpose);
  return record("matmul", "C = op(A) op(B)  ->  d op(A) = G op(B)^T;  dA = (G op(B)^T)^T = op(B) G^T when transposed",
                atto::matmul(a.value(), b.value(), transpose), {a, b},
                [a = a.value(), b = b.value(), trans_a, trans_b](const Tensor& g, const std::vector<bool>& needs) {
                  Grads grads(2);
                  if (needs[0]) {
                    const Tensor da = trans_a ? atto::matmul(b, g, transpose_of(trans_b, true))
                                            : atto::matmul(g, b, transpose_of(false, !trans_b));
                    grads[0] = sum_to(da, a.shape());
                  }
                  if (needs[1]) {
                    if (b.rank() == 2 && a.rank() > 2 && !trans_a) {
                      grads[1] = shared_matrix_grad(a, g, trans_b);
                    } else {
                      // C = op(A) op(B)  ->  d op(B) = op(A)^T G;  dB = G^T op(A) when transposed
                      const Tensor db =
                          trans_b ? atto::matmul(g, a, transpose_of(true, trans_a)) : atto::matmul(a, g, transpose_of(!trans_a, false));
                      grads[1] = sum_to(db, b.shape());
                    }
                  }
                  return grads;
                });
}

// ===========================================================================
// reshape, permute, slice, concat, expand: moving elements around. Each
// backward moves the gradient back to where the element came from.
// ===========================================================================

// x -> shape (same number of elements)
Var reshape(const Var& x, const Shape& shape) {
  return record("reshape", "out = x viewed as `shape`  ->  dx = g viewed as x's shape",
                x.value().reshape(shape), {x}, [from = x.shape()](const Tensor& g) -> Grads {
                  return {g.reshape(from)};
                });
}

Var permute(const Var& x, std::initializer_list<int> axes) {
  return permute(x, std::span<const int>(axes.begin(), axes.size()));
}

// x -> (x.shape[axes[0]], x.shape[axes[1]], ...)
Var permute(const Var& x, std::span<const int> axes) {
  Tensor out = atto::permute(x.value(), axes);
  std::array<int, kMaxRank> inverse{};
  for (int i = 0; i < x.value().rank(); ++i) inverse[normalize_axis("permute", axes[i], x.value().rank())] = i;
  return record("permute", "out axis i = x axis axes[i]  ->  dx = g permuted by the inverse",
                out, {x}, [inverse, rank = x.value().rank()](const Tensor& g) -> Grads {
                  return {atto::permute(g, std::span<const int>(inverse.data(), rank))};
                });
}

Var transpose(const Var& x, int axis0, int axis1) {
  const int rank = x.value().rank();
  std::array<int, kMaxRank> axes{};
  for (int i = 0; i < rank; ++i) axes[i] = i;
  std::swap(axes[normalize_axis("transpose", axis0, rank)], axes[normalize_axis("transpose", axis1, rank)]);
  return permute(x, std::span<const int>(axes.data(), rank));
}

// (.., n, ..) -> (.., count, ..), the elements start, start+step, ... below stop
Var slice(const Var& x, int axis, Index start, Index stop, Index step) {
  return record("slice", "out = x[.., start:stop:step, ..]  ->  dx = zeros with g at those positions",
                atto::slice(x.value(), axis, start, stop, step), {x},
                [shape = x.shape(), axis, start, stop, step](const Tensor& g) -> Grads {
                  return {unslice(g, shape, axis, start, stop, step)};
                });
}

Var concat(std::initializer_list<Var> parts, int axis) {
  return concat(std::span<const Var>(parts.begin(), parts.size()), axis);
}

// (.., n_i, ..) for each part -> (.., sum n_i, ..)
Var concat(std::span<const Var> parts, int axis) {
  std::vector<Tensor> values;
  std::vector<Index> sizes;
  for (const Var& part : parts) values.push_back(part.value());
  Tensor out = atto::concat(values, axis);
  const int a = normalize_axis("concat", axis, out.rank());
  for (const Var& part : parts) sizes.push_back(part.shape()[a]);
  return record("concat", "out = [x_0 | x_1 | ...] along axis  ->  dx_i = the i-th piece of g",
                out, parts, [sizes, a](const Tensor& g) -> Grads {
                  return split(g, a, sizes);
                });
}

// x -> shape (NumPy broadcasting)
Var expand(const Var& x, const Shape& shape) {
  return record("expand", "out = x repeated along broadcast dims  ->  dx = g summed over them",
                atto::expand(x.value(), shape), {x}, [from = x.shape()](const Tensor& g) -> Grads {
                  return {sum_to(g, from)};
                });
}

Var unsqueeze(const Var& x, int axis) { return reshape(x, atto::unsqueeze(x.value(), axis).shape()); }
Var squeeze(const Var& x, int axis) { return reshape(x, atto::squeeze(x.value(), axis).shape()); }

// ===========================================================================
// where and masked_fill: choosing elements by a constant condition.
// ===========================================================================

namespace {

// where's forward and backward; `op` and `condition_name` say who called
// (masked_fill calls its condition the mask).
Var select(const char* op, const char* condition_name, const Tensor& condition, const Var& a, const Var& b) {
  return record(op, "out = c ? a : b  ->  da = g where c, db = g where not c (each summed to its shape)",
                atto::where(condition, a.value(), b.value()), {a, b},
                [condition, sa = a.shape(), sb = b.shape()](const Tensor& g) -> Grads {
                  const Tensor zero = scalar(0);
                  return {sum_to(atto::where(condition, g, zero), sa), sum_to(atto::where(condition, zero, g), sb)};
                },
                {{condition_name, condition}});
}

}  // namespace

// condition, a, b -> broadcast(condition, a, b)
Var where(const Tensor& condition, const Var& a, const Var& b) { return select("where", "condition", condition, a, b); }

// x, mask (broadcasts to x) -> x's shape
Var masked_fill(const Var& x, const Tensor& mask, Real value) {
  if (!(broadcast_shapes("masked_fill", mask.shape(), x.shape()) == x.shape())) {
    throw_shape_error("masked_fill", "mask {} does not broadcast to x {}", mask.shape(), x.shape());
  }
  return select("masked_fill", "mask", mask, Var(scalar(value)), x);
}

// ===========================================================================
// take_rows: table (V, D), indices (...) -> (..., D). The lookup behind an
// embedding layer; its backward adds each gradient row back into the row it
// was read from.
// ===========================================================================

namespace {

void check_table(const Var& table) {
  if (table.value().rank() != 2) throw_shape_error("take_rows", "table must be (rows, dim), got {}", table.shape());
}

// table (V, D), picked (...) rows of it, already checked -> (..., D)
Var take_checked_rows(const Var& table, Shape out_shape, std::vector<Index> picked, std::optional<Index> skip_row) {
  const Index rows = table.shape()[0], dim = table.shape()[1];
  if (skip_row && (*skip_row < 0 || *skip_row >= rows)) {
    throw_argument_error("take_rows", "skip_row {} is not a row of a ({},{}) table (no row to skip: std::nullopt)",
                         *skip_row, rows, dim);
  }
  out_shape.push_back(dim);
  Tensor out = Tensor::empty(out_shape);
  for (size_t i = 0; i < picked.size(); ++i) {
    std::copy_n(table.value().data() + picked[i] * dim, dim, out.data() + i * dim);
  }
  return record("take_rows",
                "out[i, :] = table[picked[i], :]  ->  dtable[picked[i], :] += g[i, :]  (in order: deterministic)",
                out, {table}, [picked, rows, dim, skip_row](const Tensor& g) -> Grads {
    Tensor dtable = zeros({rows, dim});
    for (size_t i = 0; i < picked.size(); ++i) {
      if (skip_row && picked[i] == *skip_row) continue;
      Real* row = dtable.data() + picked[i] * dim;
      const Real* gi = g.data() + i * dim;
      for (Index d = 0; d < dim; ++d) row[d] += gi[d];
    }
    return {dtable};
  });
}

}  // namespace

// table (V, D), ids (...) -> (..., D)
Var take_rows(const Var& table, const Ids& ids, std::optional<Index> skip_row) {
  check_table(table);
  const Index rows = table.shape()[0], dim = table.shape()[1];
  for (Index i = 0; i < ids.numel(); ++i) {
    if (ids[i] < 0 || ids[i] >= rows) {
      throw_argument_error("take_rows", "index {} at position {} is not a row of a ({},{}) table", ids[i], i, rows,
                           dim);
    }
  }
  return take_checked_rows(table, ids.shape(), ids.values(), skip_row);
}

// table (V, D), indices (...) -> (..., D)
Var take_rows(const Var& table, const Tensor& indices, std::optional<Index> skip_row) {
  check_table(table);
  const Index rows = table.shape()[0], dim = table.shape()[1];
  // Ids arrive as Real: from 2^24 on (float) neighbouring ids round together,
  // so an id there may not be the one meant, and reading it would be silent.
  constexpr Index kFirstInexactId = Index{1} << std::numeric_limits<Real>::digits;
  std::vector<Index> picked(indices.numel());
  for (Index i = 0; i < indices.numel(); ++i) {
    const Real r = indices.data()[i];
    if (!(r >= 0 && r < static_cast<Real>(rows)) || r != std::floor(r)) {
      throw_argument_error("take_rows", "index {} at position {} is not a row of a ({},{}) table", r, i, rows, dim);
    }
    if (r >= static_cast<Real>(kFirstInexactId)) {
      throw_argument_error("take_rows", "index {} at position {} is at or above {}, where this build's numbers "
                           "cannot tell neighbouring ids apart; pass them as Ids (core/ids.h), or use the double "
                           "build", r, i, kFirstInexactId);
    }
    picked[i] = static_cast<Index>(r);
  }
  return take_checked_rows(table, indices.shape(), std::move(picked), skip_row);
}

// ===========================================================================
// dropout: zeroes elements at random in training; the backward lets the
// gradient through the same survivors with the same scale.
// ===========================================================================

// x -> same shape
Var dropout(const Var& x, Real p, bool training, Generator& generator) {
  if (!(p >= 0 && p <= 1)) throw_argument_error("dropout", "probability {} is not in [0, 1]", p);
  if (!training || p == 0) return x;
  // keep = 1/(1-p) with probability 1-p, else 0; p == 1 drops everything.
  const Real scale = p < 1 ? Real(1) / (1 - p) : Real(0);
  const Tensor keep = map(generator.uniform(x.shape()), [p, scale](Real u) { return u >= p ? scale : Real(0); });
  return record("dropout", "out = x * keep  ->  dx = g * keep",
                atto::mul(x.value(), keep), {x}, [keep](const Tensor& g) -> Grads {
                  return {atto::mul(g, keep)};
                });
}

}  // namespace atto
