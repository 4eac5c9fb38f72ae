// layer_norm, fused: one pass over each row forward, one backward, with the
// normalised rows kept between them. Its composed twin
// (layer_norm_composed in autograd/composed.cpp: mean, subtract, square,
// mean, pow, multiply, add) checks it; a Transformer layer calls it four
// times per block, where the composed form records eight ops each.
//
// x (..., n), gamma (n), beta (n) -> (..., n)
//   mu = mean(x)   var = mean((x - mu)^2)   r = (var + eps)^-1/2
//   xhat = (x - mu) r    y = xhat gamma + beta
#include "autograd/ops.h"
#include "autograd/var.h"
#include "core/elementwise.h"
#include "core/errors.h"
#include "core/parallel.h"
#include "core/reduce.h"

#include <cmath>

namespace atto {

// x (..., n), gamma (n), beta (n) -> (..., n)
Var layer_norm(const Var& x, const Var& gamma, const Var& beta, Real eps) {
  const Index n = gamma.numel();
  if (x.value().rank() < 1 || x.shape()[x.value().rank() - 1] != n || !(gamma.shape() == Shape{n}) ||
      !(beta.shape() == Shape{n})) {
    throw_shape_error("layer_norm", "x {}, gamma {}, beta {}: need x (..., n), gamma (n) and beta (n)", x.shape(),
                      gamma.shape(), beta.shape());
  }
  if (!(eps > 0)) throw_argument_error("layer_norm", "eps {} must be positive", eps);
  const Index rows = n == 0 ? 0 : x.numel() / n;
  Tensor y = Tensor::empty(x.shape()), normalised = Tensor::empty({rows, n}), inverse_deviation = Tensor::empty({rows});
  const Real *in = x.value().data(), *g = gamma.value().data(), *b = beta.value().data();
  parallel_for(rows, 4 * n, [&](Index begin, Index end) {
    for (Index r = begin; r < end; ++r) {
      const Real* xr = in + r * n;
      Real* xhat = normalised.data() + r * n;
      Real mu = 0, var = 0;
      for (Index j = 0; j < n; ++j) mu += xr[j];
      mu /= static_cast<Real>(n);
      for (Index j = 0; j < n; ++j) var += (xr[j] - mu) * (xr[j] - mu);
      const Real inverse = Real(1) / std::sqrt(var / static_cast<Real>(n) + eps);
      inverse_deviation.data()[r] = inverse;
      for (Index j = 0; j < n; ++j) {
        xhat[j] = (xr[j] - mu) * inverse;
        y.data()[r * n + j] = xhat[j] * g[j] + b[j];
      }
    }
  });
  return record("layer_norm",
                "y = xhat gamma + beta, xhat = (x - mu) r  ->\n"
                "  dx = r (dxhat - mean(dxhat) - xhat mean(dxhat xhat)),  dxhat = g gamma,\n"
                "  dgamma = sum over rows of g xhat,  dbeta = sum over rows of g",
                y, {x, gamma, beta},
                [normalised, inverse_deviation, gamma = gamma.value(), shape = x.shape(), rows, n](
                    const Tensor& grad, const std::vector<bool>& needs) -> Grads {
                  Grads grads(3);
                  const Tensor g_rows = grad.reshape({rows, n});
                  if (needs[0]) {
                    Tensor dx = Tensor::empty(shape);
                    parallel_for(rows, 6 * n, [&](Index begin, Index end) {
                      for (Index r = begin; r < end; ++r) {
                        const Real *gr = g_rows.data() + r * n, *xhat = normalised.data() + r * n;
                        Real mean_dxhat = 0, mean_dxhat_xhat = 0;
                        for (Index j = 0; j < n; ++j) {
                          const Real dxhat = gr[j] * gamma.data()[j];
                          mean_dxhat += dxhat;
                          mean_dxhat_xhat += dxhat * xhat[j];
                        }
                        mean_dxhat /= static_cast<Real>(n);
                        mean_dxhat_xhat /= static_cast<Real>(n);
                        const Real inverse = inverse_deviation.data()[r];
                        for (Index j = 0; j < n; ++j) {
                          dx.data()[r * n + j] =
                              inverse * (gr[j] * gamma.data()[j] - mean_dxhat - xhat[j] * mean_dxhat_xhat);
                        }
                      }
                    });
                    grads[0] = dx;
                  }
                  if (needs[1]) grads[1] = sum(atto::mul(g_rows, normalised), 0);
                  if (needs[2]) grads[2] = sum(g_rows, 0);
                  return grads;
                });
}

}  // namespace atto
