#include "nn/layers.h"

#include "autograd/ops.h"
#include "core/errors.h"
#include "nn/init.h"

namespace atto {

Dense::Dense(Index in, Index out, Activation activation, bool use_bias, Generator& gen)
    : kernel_(init::glorot_uniform({positive_size("Dense", "in", in), positive_size("Dense", "out", out)}, gen), true),
      bias_(zeros({out}), true),
      activation_(activation),
      use_bias_(use_bias) {
  register_parameter("kernel", kernel_);
  if (use_bias_) register_parameter("bias", bias_);
}

Var Dense::forward(const Var& x) {
  const Index in = kernel_.shape()[0], out = kernel_.shape()[1];
  const int rank = x.value().rank();
  if (rank < 1 || x.shape()[rank - 1] != in) {
    throw_shape_error("Dense", "input {} does not end in {} features", x.shape(), in);
  }
  // (..., in) x (in, out): matmul treats the leading axes as rows of one product.
  Var y = matmul(rank == 1 ? reshape(x, {1, in}) : x, kernel_);
  if (use_bias_) y = y + bias_;
  if (rank == 1) y = reshape(y, {out});
  return activate(activation_, y);
}

Sequential& Sequential::add(std::unique_ptr<Layer> layer) {
  register_module(std::to_string(layers_.size()), *layer);
  layers_.push_back(std::move(layer));
  return *this;
}

Var Sequential::forward(const Var& x) {
  Var y = x;
  for (auto& layer : layers_) y = layer->forward(y);
  return y;
}

Dropout::Dropout(Real p, Generator& gen) : p_(p), gen_(&gen) {
  if (!(p >= 0 && p <= 1)) throw_argument_error("Dropout", "probability {} is not in [0, 1]", p);
}

Var Dropout::forward(const Var& x) { return dropout(x, p_, is_training(), *gen_); }

Embedding::Embedding(Index vocab, Index dim, Index padding_index, Generator& gen)
    : table_(gen.uniform({positive_size("Embedding", "vocab", vocab), positive_size("Embedding", "dim", dim)}, -0.05,
                         0.05),
             true),
      padding_index_(padding_index) {
  if (padding_index != kNoPadding && (padding_index < 0 || padding_index >= vocab)) {
    throw_argument_error("Embedding", "padding index {} is not a row of a vocabulary of {}", padding_index, vocab);
  }
  if (padding_index != kNoPadding) std::fill_n(table_.value().data() + padding_index * dim, dim, Real(0));
  register_parameter("table", table_);
}

Var Embedding::forward(const Tensor& indices) { return take_rows(table_, indices, padding_index_); }

}  // namespace atto
