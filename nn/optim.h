// Optimizers: they update parameters in place from their .grad(), outside any
// graph. Parameters without a gradient are skipped. Update rules, with g the
// gradient, lr the learning rate and t the step number (from 1):
//
// SGD:   g += wd * w                     (weight decay as L2)
//        v = momentum * v + g            (when momentum > 0)
//        w -= lr * (nesterov ? g + momentum * v : v)
// Adam:  g += wd * w                     (L2, as in Adam's paper; see AdamW)
//        m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
//        w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// AdamW: Adam without the L2 term, and instead w -= lr * wd * w (decoupled
//        weight decay, Loshchilov & Hutter), before the Adam step.
#pragma once

#include "autograd/var.h"

#include <string>
#include <utility>
#include <vector>

namespace atto {

// Every optimizer checks its hyperparameters when made and when changed, and
// at each step() that every parameter still has the shape it was registered
// with (a parameter whose value was replaced by another shape throws rather
// than being updated out of bounds). The list must be non-empty and hold each
// parameter once.
class Optimizer {
 public:
  Optimizer(const char* name, std::vector<Var> parameters);
  virtual ~Optimizer() = default;

  virtual void step() = 0;
  void zero_grad();

  // For schedules: e.g. multiply by 0.7 after each epoch. Must be >= 0 and
  // finite.
  [[nodiscard]] virtual Real learning_rate() const = 0;
  virtual void set_learning_rate(Real lr) = 0;

  // Internal state by name (e.g. "m.3"), so checkpoints can save and restore it.
  [[nodiscard]] virtual std::vector<std::pair<std::string, Tensor*>> state() = 0;
  Index steps() const { return steps_; }
  void set_steps(Index steps) { steps_ = steps; }

 protected:
  // Throws when a parameter's value or gradient no longer has its registered
  // shape; in anomaly mode (autograd/grad_mode.h), also when a gradient holds
  // NaN or Inf, before any parameter moves.
  void check_shapes() const;
  const char* name_;
  std::vector<Var> parameters_;
  std::vector<Shape> shapes_;
  Index steps_ = 0;
};

struct SGDOptions {
  Real lr = 0.01, momentum = 0, weight_decay = 0;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Var> parameters, SGDOptions options);
  void step() override;
  [[nodiscard]] Real learning_rate() const override { return options_.lr; }
  void set_learning_rate(Real lr) override;
  [[nodiscard]] std::vector<std::pair<std::string, Tensor*>> state() override;

 private:
  SGDOptions options_;
  std::vector<Tensor> velocity_;
};

struct AdamOptions {
  Real lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Var> parameters, AdamOptions options, bool decoupled_weight_decay = false);
  void step() override;
  [[nodiscard]] Real learning_rate() const override { return options_.lr; }
  void set_learning_rate(Real lr) override;
  [[nodiscard]] std::vector<std::pair<std::string, Tensor*>> state() override;

 private:
  AdamOptions options_;
  bool decoupled_;
  std::vector<Tensor> m_, v_;
};

// Adam with decoupled weight decay (default weight_decay 0.01, as in PyTorch).
class AdamW : public Adam {
 public:
  AdamW(std::vector<Var> parameters, AdamOptions options = {0.001, 0.9, 0.999, 1e-8, 0.01})
      : Adam(std::move(parameters), options, true) {}
};

// Scales all gradients together so their joint L2 norm is at most max_norm.
// Returns the norm before clipping; a NaN or infinite norm throws, naming the
// first parameter whose gradient is not finite.
Real clip_grad_norm(const std::vector<Var>& parameters, Real max_norm);

}  // namespace atto
