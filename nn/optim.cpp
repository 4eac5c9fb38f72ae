#include "nn/optim.h"

#include "core/elementwise.h"
#include "core/errors.h"
#include "core/map.h"

#include <cmath>

namespace atto {

Optimizer::Optimizer(std::vector<Var> parameters) : parameters_(std::move(parameters)) {
  for (const Var& p : parameters_) {
    if (!p.is_leaf() || !p.requires_grad()) {
      throw_argument_error("Optimizer", "{} is not a leaf that requires grad", p.node()->describe());
    }
  }
}

void Optimizer::zero_grad() {
  for (Var& p : parameters_) p.zero_grad();
}

namespace {

std::vector<Tensor> zeros_like_all(const std::vector<Var>& parameters) {
  std::vector<Tensor> out;
  for (const Var& p : parameters) out.push_back(zeros(p.shape()));
  return out;
}

void check_rate(const char* op, Real lr) {
  if (!(lr > 0)) throw_argument_error(op, "learning rate {} must be positive", lr);
}

}  // namespace

SGD::SGD(std::vector<Var> parameters, SGDOptions options)
    : Optimizer(std::move(parameters)), options_(options), velocity_(zeros_like_all(parameters_)) {
  check_rate("SGD", options.lr);
  if (options.nesterov && options.momentum <= 0) throw_argument_error("SGD", "nesterov needs momentum > 0");
}

void SGD::step() {
  ++steps_;
  const auto [lr, momentum, wd, nesterov] = options_;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Var& p = parameters_[i];
    if (!p.has_grad()) continue;
    Real* w = p.value().data();
    const Real* g = p.grad().data();
    Real* v = velocity_[i].data();
    for (Index j = 0; j < p.value().numel(); ++j) {
      const Real grad = g[j] + wd * w[j];
      if (momentum == 0) {
        w[j] -= lr * grad;
        continue;
      }
      v[j] = momentum * v[j] + grad;
      w[j] -= lr * (nesterov ? grad + momentum * v[j] : v[j]);
    }
  }
}

std::vector<std::pair<std::string, Tensor*>> SGD::state() {
  std::vector<std::pair<std::string, Tensor*>> out;
  for (size_t i = 0; i < velocity_.size(); ++i) out.emplace_back("velocity." + std::to_string(i), &velocity_[i]);
  return out;
}

Adam::Adam(std::vector<Var> parameters, AdamOptions options, bool decoupled_weight_decay)
    : Optimizer(std::move(parameters)),
      options_(options),
      decoupled_(decoupled_weight_decay),
      m_(zeros_like_all(parameters_)),
      v_(zeros_like_all(parameters_)) {
  check_rate(decoupled_ ? "AdamW" : "Adam", options.lr);
}

namespace {

// One parameter's update: a plain loop over restrict pointers, so it
// compiles to SIMD code.
void adam_update(Index n, Real* __restrict w, const Real* __restrict g, Real* __restrict m, Real* __restrict v,
                 const AdamOptions& o, bool decoupled, Real correction1, Real correction2) {
  const Real weight_decay = decoupled ? 0 : o.weight_decay, shrink = decoupled ? 1 - o.lr * o.weight_decay : 1;
  for (Index j = 0; j < n; ++j) {
    const Real grad = g[j] + weight_decay * w[j];
    w[j] *= shrink;
    m[j] = o.beta1 * m[j] + (1 - o.beta1) * grad;
    v[j] = o.beta2 * v[j] + (1 - o.beta2) * grad * grad;
    w[j] -= o.lr * (m[j] / correction1) / (std::sqrt(v[j] / correction2) + o.eps);
  }
}

}  // namespace

void Adam::step() {
  ++steps_;
  const Real correction1 = 1 - std::pow(options_.beta1, static_cast<Real>(steps_));
  const Real correction2 = 1 - std::pow(options_.beta2, static_cast<Real>(steps_));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Var& p = parameters_[i];
    if (!p.has_grad()) continue;
    adam_update(p.value().numel(), p.value().data(), p.grad().data(), m_[i].data(), v_[i].data(),
                options_, decoupled_, correction1, correction2);
  }
}

std::vector<std::pair<std::string, Tensor*>> Adam::state() {
  std::vector<std::pair<std::string, Tensor*>> out;
  for (size_t i = 0; i < m_.size(); ++i) {
    out.emplace_back("m." + std::to_string(i), &m_[i]);
    out.emplace_back("v." + std::to_string(i), &v_[i]);
  }
  return out;
}

Real clip_grad_norm(const std::vector<Var>& parameters, Real max_norm) {
  if (!(max_norm > 0)) throw_argument_error("clip_grad_norm", "max_norm {} must be positive", max_norm);
  double total = 0;
  for (const Var& p : parameters) {
    if (!p.has_grad()) continue;
    const Tensor& grad = p.grad();
    const Real* g = grad.data();
    for (Index j = 0; j < grad.numel(); ++j) total += static_cast<double>(g[j]) * g[j];
  }
  const Real norm = static_cast<Real>(std::sqrt(total));
  if (norm > max_norm) {
    const Real scale = max_norm / (norm + Real(1e-6));
    for (Var p : parameters) {
      if (p.has_grad()) p.set_grad(p.grad() * scale);
    }
  }
  return norm;
}

}  // namespace atto
