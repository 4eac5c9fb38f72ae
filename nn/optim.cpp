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

void Adam::step() {
  ++steps_;
  const auto [lr, b1, b2, eps, wd] = options_;
  const Real correction1 = 1 - std::pow(b1, static_cast<Real>(steps_));
  const Real correction2 = 1 - std::pow(b2, static_cast<Real>(steps_));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Var& p = parameters_[i];
    if (!p.has_grad()) continue;
    Real* w = p.value().data();
    const Real* g = p.grad().data();
    Real* m = m_[i].data();
    Real* v = v_[i].data();
    for (Index j = 0; j < p.value().numel(); ++j) {
      const Real grad = decoupled_ ? g[j] : g[j] + wd * w[j];
      if (decoupled_) w[j] -= lr * wd * w[j];
      m[j] = b1 * m[j] + (1 - b1) * grad;
      v[j] = b2 * v[j] + (1 - b2) * grad * grad;
      w[j] -= lr * (m[j] / correction1) / (std::sqrt(v[j] / correction2) + eps);
    }
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
    for (Index j = 0; j < p.grad().numel(); ++j) total += static_cast<double>(p.grad().data()[j]) * p.grad().data()[j];
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
