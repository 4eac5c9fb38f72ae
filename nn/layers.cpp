#include "nn/layers.h"

#include "autograd/ops.h"
#include "core/errors.h"
#include "nn/init.h"

namespace atto {

Dense::Dense(Index input_dim, const DenseOptions& options, Generator& gen)
    : kernel_(init::glorot_uniform(parameter_shape("Dense", "kernel",
                                                   {positive_size("Dense", "input_dim", input_dim),
                                                    positive_size("Dense", "units", options.units)}),
                                   gen),
              true),
      bias_(zeros({options.units}), true),
      activation_(checked_activation("Dense", options.activation)),
      use_bias_(options.use_bias) {
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
  if (!layer) throw_argument_error("Sequential", "add: got a null layer");
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

Embedding::Embedding(Index input_dim, Index output_dim, std::optional<Index> padding_index, Generator& gen)
    : table_(gen.uniform(parameter_shape("Embedding", "table",
                                         {positive_size("Embedding", "input_dim", input_dim),
                                          positive_size("Embedding", "output_dim", output_dim)}),
                         -0.05, 0.05),
             true),
      padding_index_(padding_index) {
  if (padding_index && (*padding_index < 0 || *padding_index >= input_dim)) {
    throw_argument_error("Embedding", "padding index {} is not a row of a vocabulary of {}", *padding_index,
                         input_dim);
  }
  if (padding_index) std::fill_n(table_.mutable_value().data() + *padding_index * output_dim, output_dim, Real(0));
  register_parameter("table", table_);
}

namespace {

// The vectors add an axis to the ids' shape; checked here so that the error
// names the layer the user called, not the take_rows inside it.
void check_ids_rank(const Shape& ids) {
  if (ids.rank() == kMaxRank) {
    throw_shape_error("Embedding", "ids {} have rank {}: their vectors would add an axis past the maximum rank {}",
                      ids, kMaxRank, kMaxRank);
  }
}

}  // namespace

Var Embedding::forward(const Tensor& ids) {
  check_ids_rank(ids.shape());
  return take_rows(table_, ids, padding_index_);
}

Var Embedding::forward(const Ids& ids) {
  check_ids_rank(ids.shape());
  return take_rows(table_, ids, padding_index_);
}

Var Embedding::forward(const Var& ids) {
  if (ids.requires_grad()) {
    throw_argument_error("Embedding", "token ids {} require grad; ids are constants, pass them as a plain Tensor",
                         ids.shape());
  }
  return forward(ids.value());
}

}  // namespace atto
