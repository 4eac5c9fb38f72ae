#include "nn/timeline_recorder.h"

#include "autograd/grad_mode.h"
#include "core/errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace atto {

namespace {

double norm(const Tensor& t) {
  double total = 0;
  for (Index i = 0; i < t.numel(); ++i) total += static_cast<double>(t.data()[i]) * static_cast<double>(t.data()[i]);
  return std::sqrt(total);
}

double distance(const Tensor& a, const Tensor& b) {
  double total = 0;
  for (Index i = 0; i < a.numel(); ++i) {
    const double d = static_cast<double>(a.data()[i]) - static_cast<double>(b.data()[i]);
    total += d * d;
  }
  return std::sqrt(total);
}

// Adds the seconds from its making to its end to *total.
class Stopwatch {
 public:
  explicit Stopwatch(double& total) : total_(total) {}
  ~Stopwatch() { total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  Stopwatch(const Stopwatch&) = delete;
  Stopwatch& operator=(const Stopwatch&) = delete;

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

TimelineRecorder::TimelineRecorder(Timeline& timeline, Module& model, TimelineOptions options)
    : timeline_(timeline), model_(model), options_(std::move(options)), parameters_(model.named_parameters()) {
  if (options_.steps <= 0 || options_.snapshots <= 0 || options_.graphs < 0) {
    throw ArgumentError(fmt::format("TimelineRecorder: steps {}, snapshots {}, graphs {}: steps and snapshots must be "
                                    "positive, graphs not negative", options_.steps, options_.snapshots,
                                    options_.graphs));
  }
  every_ = (options_.steps + options_.snapshots - 1) / options_.snapshots;
  const Index snapshots = (options_.steps - 1) / every_ + 1 + ((options_.steps - 1) % every_ != 0 ? 1 : 0);
  // The probe's graph at `graphs` snapshots spread evenly, the first and the last among them.
  for (Index g = 0; g < options_.graphs; ++g) {
    graph_snapshots_.insert(options_.graphs == 1 ? 0 : (g * (snapshots - 1) + (options_.graphs - 1) / 2) / (options_.graphs - 1));
  }
}

void TimelineRecorder::before_update(Index step) {
  if (!due(step)) return;
  const Stopwatch watch(seconds_);
  before_.clear();
  grad_norms_.clear();
  for (const auto& [name, parameter] : parameters_) {
    before_.push_back(parameter.value().clone());
    // A parameter the loss does not reach (a model's stored sizes) has no
    // gradient: it is not being trained, and the timeline leaves it out.
    grad_norms_.push_back(parameter.has_grad() ? std::optional<double>(norm(parameter.grad())) : std::nullopt);
  }
  kept_at_ = step;
}

void TimelineRecorder::after_update(Index step, const Scalars& scalars) {
  if (!due(step)) return;
  if (kept_at_ != step) {
    throw ArgumentError(fmt::format("TimelineRecorder: after_update({}) without before_update({}) before the "
                                    "optimizer's step", step, step));
  }
  const Stopwatch watch(seconds_);
  timeline_.begin(step);
  for (const auto& [name, value] : scalars) timeline_.add_scalar(name, value);
  if (options_.held_out) {
    const NoGradGuard no_graph;
    const bool training = model_.is_training();
    model_.eval();
    for (const auto& [name, value] : options_.held_out()) timeline_.add_scalar(name, value);
    model_.train(training);
  }
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (!grad_norms_[i]) continue;
    const Tensor& now = parameters_[i].second.value();
    const double was = norm(before_[i]), moved = distance(now, before_[i]);
    timeline_.add_parameter({.name = parameters_[i].first, .norm = norm(now), .grad_norm = *grad_norms_[i],
                             .update_ratio = moved / (was > 0 ? was : std::max(norm(now), 1e-300))});
  }
  kept_at_ = -1;
  if (options_.probe) {
    const ScopeRecording scopes;  // the activation shares are per layer
    const bool training = model_.is_training();
    model_.eval();
    const Var loss = options_.probe(timeline_);
    timeline_.add_activations(loss);
    if (graph_snapshots_.contains(recorded_)) timeline_.add_graph(loss, parameter_names(model_));
    model_.train(training);
  }
  ++recorded_;
}

}  // namespace atto
