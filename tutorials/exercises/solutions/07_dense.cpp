#include "tutorials/exercises/07_dense.h"

#include "core/errors.h"

#include <cmath>

namespace atto::exercise {

MyDense::MyDense(Index input_dim, Index units, Generator& gen) {
  const Real limit = std::sqrt(Real(6) / static_cast<Real>(input_dim + units));
  kernel_ = Var(gen.uniform({input_dim, units}, -limit, limit), true);
  bias_ = Var(zeros({units}), true);
  register_parameter("kernel", kernel_);
  register_parameter("bias", bias_);
}

Var MyDense::forward(const Var& x) {
  const Index input_dim = kernel_.shape()[0];
  if (x.value().rank() < 1 || x.shape()[x.value().rank() - 1] != input_dim) {
    throw_shape_error("MyDense", "input {} does not end in {} features", x.shape(), input_dim);
  }
  return matmul(x, kernel_) + bias_;
}

}  // namespace atto::exercise
