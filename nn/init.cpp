#include "nn/init.h"

#include "core/elementwise.h"
#include "core/errors.h"
#include "core/shape_ops.h"

#include <cmath>

namespace atto::init {

namespace {

struct Fans {
  Real in, out;
};

Fans fans(const char* op, const Shape& shape) {
  if (shape.rank() == 1) return {static_cast<Real>(shape[0]), static_cast<Real>(shape[0])};
  if (shape.rank() == 0) throw_shape_error(op, "needs at least one axis, got {}", shape);
  // A convolution kernel (..., in, out), as Keras counts it: every position
  // of the window feeds each output, so the window's size multiplies both fans.
  const int rank = shape.rank();
  Real window = 1;
  for (int axis = 0; axis < rank - 2; ++axis) window *= static_cast<Real>(shape[axis]);
  return {window * static_cast<Real>(shape[rank - 2]), window * static_cast<Real>(shape[rank - 1])};
}

}  // namespace

Tensor glorot_uniform(const Shape& shape, Generator& gen) {
  const Fans f = fans("glorot_uniform", shape);
  const Real limit = std::sqrt(Real(6) / (f.in + f.out));
  return gen.uniform(shape, -limit, limit);
}

Tensor glorot_normal(const Shape& shape, Generator& gen) {
  const Fans f = fans("glorot_normal", shape);
  return gen.normal(shape, 0, std::sqrt(Real(2) / (f.in + f.out)));
}

Tensor he_uniform(const Shape& shape, Generator& gen) {
  const Real limit = std::sqrt(Real(6) / fans("he_uniform", shape).in);
  return gen.uniform(shape, -limit, limit);
}

Tensor he_normal(const Shape& shape, Generator& gen) {
  return gen.normal(shape, 0, std::sqrt(Real(2) / fans("he_normal", shape).in));
}

Tensor orthogonal(const Shape& shape, Real gain, Generator& gen) {
  if (shape.rank() != 2) throw_shape_error("orthogonal", "needs a 2-D shape, got {}", shape);
  const Index rows = shape[0], cols = shape[1];
  // Orthonormalise the rows of a (short, long) Gaussian matrix by modified
  // Gram-Schmidt (in double, for accuracy), then transpose if shape is tall.
  const Index n = std::min(rows, cols), m = std::max(rows, cols);
  const Tensor gaussian = gen.normal({n, m});
  std::vector<double> q(gaussian.data(), gaussian.data() + n * m);
  for (Index i = 0; i < n; ++i) {
    double* qi = q.data() + i * m;
    for (Index j = 0; j < i; ++j) {
      const double* qj = q.data() + j * m;
      double dot = 0;
      for (Index k = 0; k < m; ++k) dot += qi[k] * qj[k];
      for (Index k = 0; k < m; ++k) qi[k] -= dot * qj[k];
    }
    double norm = 0;
    for (Index k = 0; k < m; ++k) norm += qi[k] * qi[k];
    norm = std::sqrt(norm);
    for (Index k = 0; k < m; ++k) qi[k] /= norm;
  }
  Tensor out = Tensor::empty({n, m});
  Real* o = out.data();
  for (Index i = 0; i < n * m; ++i) o[i] = static_cast<Real>(gain * q[i]);
  return rows <= cols ? out : transpose(out);
}

}  // namespace atto::init
