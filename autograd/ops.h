// The differentiable ops. Each takes and returns Vars; the forward runs core
// kernels and the backward sits beside it, in autograd/ops/primitives.cpp for
// the primitives and autograd/ops/fused/ for the fused ops.
//
// Primitives (23): add sub mul div neg pow exp log tanh sigmoid relu sum mean
// max matmul reshape permute slice concat expand where dropout, and
// take_rows (the lookup behind embeddings).
// Fused, with hand-written backward: softmax, log_softmax,
// softmax_cross_entropy, scaled_dot_product_attention, lstm_sequence,
// layer_norm, sliding_windows (each has a composed twin in
// autograd/composed.h).
#pragma once

#include "autograd/var.h"
#include "core/ids.h"
#include "core/matmul.h"
#include "core/random.h"

#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

namespace atto {

// Binary arithmetic, with NumPy broadcasting (gradients are summed back to
// each operand's shape).
[[nodiscard]] Var add(const Var& a, const Var& b);
[[nodiscard]] Var sub(const Var& a, const Var& b);
[[nodiscard]] Var mul(const Var& a, const Var& b);
[[nodiscard]] Var div(const Var& a, const Var& b);
[[nodiscard]] Var neg(const Var& x);
[[nodiscard]] Var pow(const Var& x, Real exponent);

[[nodiscard]] Var operator+(const Var& a, const Var& b);
[[nodiscard]] Var operator-(const Var& a, const Var& b);
[[nodiscard]] Var operator*(const Var& a, const Var& b);
[[nodiscard]] Var operator/(const Var& a, const Var& b);
[[nodiscard]] Var operator-(const Var& x);
[[nodiscard]] Var operator+(const Var& a, Real b);
[[nodiscard]] Var operator-(const Var& a, Real b);
[[nodiscard]] Var operator*(const Var& a, Real b);
[[nodiscard]] Var operator/(const Var& a, Real b);
[[nodiscard]] Var operator+(Real a, const Var& b);
[[nodiscard]] Var operator-(Real a, const Var& b);
[[nodiscard]] Var operator*(Real a, const Var& b);
[[nodiscard]] Var operator/(Real a, const Var& b);

// Elementwise functions.
[[nodiscard]] Var exp(const Var& x);
[[nodiscard]] Var log(const Var& x);
[[nodiscard]] Var tanh(const Var& x);
[[nodiscard]] Var sigmoid(const Var& x);
[[nodiscard]] Var relu(const Var& x);

// Reductions: over everything (a scalar), or over one axis.
[[nodiscard]] Var sum(const Var& x);
[[nodiscard]] Var sum(const Var& x, int axis, bool keepdim = false);
[[nodiscard]] Var mean(const Var& x);
[[nodiscard]] Var mean(const Var& x, int axis, bool keepdim = false);
// The gradient goes to the first maximum of each slice.
[[nodiscard]] Var max(const Var& x, int axis, bool keepdim = false);

// Matrix products (see core/matmul.h), batched: matmul(q, k, Transpose::b) is q k^T.
[[nodiscard]] Var matmul(const Var& a, const Var& b, Transpose transpose = Transpose::none);

// Moving elements.
[[nodiscard]] Var reshape(const Var& x, const Shape& shape);
[[nodiscard]] Var permute(const Var& x, std::span<const int> axes);
[[nodiscard]] Var permute(const Var& x, std::initializer_list<int> axes);
[[nodiscard]] Var transpose(const Var& x, int axis0 = -2, int axis1 = -1);
[[nodiscard]] Var slice(const Var& x, int axis, Index start, Index stop, Index step = 1);
[[nodiscard]] Var concat(std::span<const Var> parts, int axis);
[[nodiscard]] Var concat(std::initializer_list<Var> parts, int axis);
[[nodiscard]] Var expand(const Var& x, const Shape& shape);
[[nodiscard]] Var unsqueeze(const Var& x, int axis);
[[nodiscard]] Var squeeze(const Var& x, int axis);

// Rows of a table picked by index: table (V, D), indices of any shape holding
// row numbers -> (indices..., D). Rows picked more than once add up their
// gradients; the row skip_row, if given, is read but gets no gradient (a
// padding row that must stay fixed). Ids hold the row numbers exactly at any
// size; a Real tensor of them is refused, in float, from 2^24 on.
[[nodiscard]] Var take_rows(const Var& table, const Tensor& indices, std::optional<Index> skip_row = std::nullopt);
[[nodiscard]] Var take_rows(const Var& table, const Ids& ids, std::optional<Index> skip_row = std::nullopt);

// condition != 0 ? a : b, broadcast together; the condition is a constant.
[[nodiscard]] Var where(const Tensor& condition, const Var& a, const Var& b);
// x with `value` wherever mask != 0 (mask broadcasts to x's shape).
[[nodiscard]] Var masked_fill(const Var& x, const Tensor& mask, Real value);

// Inverted dropout: in training, zero each element with probability p and
// scale the survivors by 1/(1-p), so evaluation needs no rescaling. Outside
// training it is the identity.
[[nodiscard]] Var dropout(const Var& x, Real p, bool training, Generator& generator = default_generator());

// The scores attention hides by itself, besides those a bias hides: none,
// or, for causal attention, every key after the query's own position.
enum class AttentionMask { none, causal };

// Fused attention: softmax(scale * q k^T + bias) v over the last two axes,
// q (..., Tq, d), k (..., Tv, d), v (..., Tv, dv) -> (..., Tq, dv). bias is
// unset or (..., Tq, Tv); AttentionMask::causal masks keys j > i. A query
// row with nothing left to attend to gives 0 (and no gradient), never NaN.
// bias may also be anything that broadcasts to (..., Tq, Tv), e.g.
// (B, 1, Tq, Tv) for all heads. The scale must be finite.
[[nodiscard]] Var scaled_dot_product_attention(const Var& q, const Var& k, const Var& v, Real scale,
                                               AttentionMask mask = AttentionMask::none, const Tensor& bias = Tensor());

// A whole LSTM layer over a sequence (Keras weight layout, gates i, f, g, o):
// x (B, T, I), h0 and c0 (B, U), kernel (I, 4U), recurrent (U, 4U), bias (4U)
// -> (B, T, 2U) holding [h_t | c_t] for every step, so that one op carries
// both states; slice what you need. Where mask (B, T) is 0 a step is skipped
// and the previous h and c carry over (padding at the end of a sequence then
// leaves the final state at the last real step).
[[nodiscard]] Var lstm_sequence(const Var& x, const Var& h0, const Var& c0, const Var& kernel, const Var& recurrent, const Var& bias,
                  const Tensor& mask = Tensor());

// im2col: every k x k window of each image, stride apart, as one row:
// x (N, H, W, C) -> (N, H', W', k k C), H' = (H - k) / stride + 1, each row
// ordered dy, dx, channel (a (k, k, C, filters) kernel read as a matrix).
// No padding: pad first (nn/conv2d.h's image_windows does, for Keras's rules).
[[nodiscard]] Var sliding_windows(const Var& x, Index kernel_size, Index strides);

// Layer normalisation over the last axis (Ba et al., 2016): each row less
// its mean, over its standard deviation (the biased one, as PyTorch and
// Keras take), then scaled by gamma and shifted by beta.
// x (..., n), gamma (n), beta (n) -> (..., n)
[[nodiscard]] Var layer_norm(const Var& x, const Var& gamma, const Var& beta, Real eps);

// Over the last axis; rows of all -inf give softmax 0 (see core/softmax.h).
[[nodiscard]] Var softmax(const Var& x);
[[nodiscard]] Var log_softmax(const Var& x);

// Mean over rows of -log softmax(logits)[row, target[row]]: logits (N, C),
// targets (N) holding class indices. Rows whose target is ignore_index are
// left out of the mean; when every row is ignored the loss is 0 (not NaN).
[[nodiscard]] Var softmax_cross_entropy(const Var& logits, const Tensor& targets,
                                          std::optional<Index> ignore_index = std::nullopt);
[[nodiscard]] Var softmax_cross_entropy(const Var& logits, const Ids& targets,
                                          std::optional<Index> ignore_index = std::nullopt);

}  // namespace atto
