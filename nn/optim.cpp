#include "nn/optim.h"

#include "core/elementwise.h"
#include "core/errors.h"
#include "core/map.h"
#include "core/parallel.h"

#include <cmath>
#include <set>

namespace atto {

Optimizer::Optimizer(const char* name, std::vector<Var> parameters) : name_(name), parameters_(std::move(parameters)) {
  if (parameters_.empty()) throw_argument_error(name_, "got an empty parameter list");
  std::set<const Node*> seen;
  for (const Var& p : parameters_) {
    if (!p.is_leaf() || !p.requires_grad()) {
      throw_argument_error(name_, "{} is not a leaf that requires grad", p.node()->describe());
    }
    if (!seen.insert(p.node().get()).second) {
      throw_argument_error(name_, "{} is listed twice; it would be stepped twice", p.node()->describe());
    }
    shapes_.push_back(p.shape());
  }
}

void Optimizer::check_shapes() const {
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Var& p = parameters_[i];
    if (!(p.shape() == shapes_[i])) {
      throw_shape_error(name_, "parameter {} ({}) was registered with shape {}; make a new optimizer after "
                        "replacing a parameter", i, p.node()->describe(), shapes_[i]);
    }
    if (p.has_grad() && !(p.grad().shape() == shapes_[i])) {
      throw_shape_error(name_, "parameter {} ({}) has a gradient of shape {}", i, p.node()->describe(),
                        p.grad().shape());
    }
    if (anomaly_mode() && p.has_grad() && !all_finite(p.grad())) {
      throw AnomalyError(fmt::format("anomaly: {}.step: the gradient of parameter {} ({}) holds NaN or Inf; no "
                                     "parameter was updated", name_, i, p.node()->describe()));
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
  // 0 is allowed, as in PyTorch: a schedule may freeze training for a while.
  if (!(lr >= 0 && std::isfinite(lr))) throw_argument_error(op, "learning rate {} must be >= 0 and finite", lr);
}

void check_at_least_zero(const char* op, const char* what, Real value) {
  if (!(value >= 0 && std::isfinite(value))) throw_argument_error(op, "{} {} must be >= 0 and finite", what, value);
}

void check_beta(const char* op, const char* what, Real beta) {
  if (!(beta >= 0 && beta < 1)) throw_argument_error(op, "{} {} is not in [0, 1)", what, beta);
}

}  // namespace

SGD::SGD(std::vector<Var> parameters, SGDOptions options)
    : Optimizer("SGD", std::move(parameters)), options_(options), velocity_(zeros_like_all(parameters_)) {
  check_rate("SGD", options.lr);
  check_at_least_zero("SGD", "momentum", options.momentum);
  check_at_least_zero("SGD", "weight_decay", options.weight_decay);
  if (options.nesterov && options.momentum <= 0) throw_argument_error("SGD", "nesterov needs momentum > 0");
}

void SGD::set_learning_rate(Real lr) {
  check_rate("SGD", lr);
  options_.lr = lr;
}

void SGD::step() {
  check_shapes();
  ++steps_;
  const auto [lr, momentum, wd, nesterov] = options_;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Var& p = parameters_[i];
    if (!p.has_grad()) continue;
    Real* w = p.mutable_value().data();
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
    : Optimizer(decoupled_weight_decay ? "AdamW" : "Adam", std::move(parameters)),
      options_(options),
      decoupled_(decoupled_weight_decay),
      m_(zeros_like_all(parameters_)),
      v_(zeros_like_all(parameters_)) {
  check_rate(name_, options.lr);
  check_beta(name_, "beta1", options.beta1);
  check_beta(name_, "beta2", options.beta2);
  if (!(options.eps > 0 && std::isfinite(options.eps))) {
    throw_argument_error(name_, "eps {} must be positive and finite", options.eps);
  }
  check_at_least_zero(name_, "weight_decay", options.weight_decay);
}

void Adam::set_learning_rate(Real lr) {
  check_rate(name_, lr);
  options_.lr = lr;
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
  check_shapes();
  ++steps_;
  const Real correction1 = 1 - std::pow(options_.beta1, static_cast<Real>(steps_));
  const Real correction2 = 1 - std::pow(options_.beta2, static_cast<Real>(steps_));
  // Parameters are updated independently of one another: a model's many
  // small ones share the threads, each whole on one thread.
  Index elements = 0;
  for (const Var& p : parameters_) elements += p.numel();
  const auto update = [&](Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const auto at = static_cast<size_t>(i);
      Var& p = parameters_[at];
      if (!p.has_grad()) continue;
      adam_update(p.value().numel(), p.mutable_value().data(), p.grad().data(), m_[at].data(), v_[at].data(),
                  options_, decoupled_, correction1, correction2);
    }
  };
  const Index count = static_cast<Index>(parameters_.size());
  if (elements < kParallelGrain) return update(0, count);
  parallel_blocks(count, 1, update);
}

std::vector<std::pair<std::string, Tensor*>> Adam::state() {
  std::vector<std::pair<std::string, Tensor*>> out;
  for (size_t i = 0; i < m_.size(); ++i) {
    out.emplace_back("m." + std::to_string(i), &m_[i]);
    out.emplace_back("v." + std::to_string(i), &v_[i]);
  }
  return out;
}

namespace {

// The sum of g[j]^2 in double, in eight running sums (element j goes to sum
// j % 8) added in order at the end: one running sum would make every
// addition wait for the one before, and the loop could not use vectors
// (a step of tutorial 09 spent 4% of its time here).
double sum_of_squares(const Real* g, Index n) {
  constexpr Index kLanes = 8;
  double lanes[kLanes] = {};
  const Index whole = n / kLanes * kLanes;
  for (Index j = 0; j < whole; j += kLanes) {
    for (Index lane = 0; lane < kLanes; ++lane) lanes[lane] += static_cast<double>(g[j + lane]) * g[j + lane];
  }
  for (Index j = whole; j < n; ++j) lanes[j - whole] += static_cast<double>(g[j]) * g[j];
  double total = 0;
  for (const double lane : lanes) total += lane;
  return total;
}

}  // namespace

Real clip_grad_norm(const std::vector<Var>& parameters, Real max_norm) {
  if (!(max_norm > 0)) throw_argument_error("clip_grad_norm", "max_norm {} must be positive", max_norm);
  double total = 0;
  for (const Var& p : parameters) {
    if (p.has_grad()) total += sum_of_squares(p.grad().data(), p.grad().numel());
  }
  const Real norm = static_cast<Real>(std::sqrt(total));
  if (!std::isfinite(norm)) {
    for (const Var& p : parameters) {
      if (p.has_grad() && !all_finite(p.grad())) {
        throw_argument_error("clip_grad_norm", "the gradient of {} holds NaN or Inf", p.node()->describe());
      }
    }
    throw_argument_error("clip_grad_norm", "the gradient norm {} is not finite", norm);
  }
  if (norm > max_norm) {
    const Real scale = max_norm / (norm + Real(1e-6));
    for (Var p : parameters) {
      if (p.has_grad()) p.set_grad(p.grad() * scale);
    }
  }
  return norm;
}

}  // namespace atto
