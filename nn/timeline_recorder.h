// Fills a Timeline (autograd/timeline.h) from a model and the training loop
// around it, every K steps, K chosen so that the run keeps about
// `snapshots` of them. Any loop takes it in three lines:
//
//   Timeline timeline("training");
//   TimelineRecorder recorder(timeline, model, {.steps = steps, .probe = probe});
//   for (Index step = 0; step < steps; ++step) {
//     ...forward, loss.backward()...
//     recorder.before_update(step);                   // gradient norms; the parameters kept
//     optimizer.step();
//     recorder.after_update(step, {{"loss", loss.item()}});  // norms, update sizes, the probe
//   }
//   page.add_timeline(timeline);
//
// Between a recorded step's two calls nothing but the update may change the
// parameters. Off the recorded steps both calls return at once.
#pragma once

#include "autograd/timeline.h"
#include "nn/module.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace atto {

using Scalars = std::vector<std::pair<std::string, double>>;

struct TimelineOptions {
  Index steps = 0;        // the run's training steps, numbered from 0
  Index snapshots = 100;  // about how many to keep: one every ceil(steps / snapshots) steps, and the last step
  Index graphs = 3;       // the probe's whole graph at this many snapshots, first and last among them
  // A fixed example run through the model at each snapshot (in eval mode,
  // with a graph recorded): it adds its attention maps to the snapshot
  // (Timeline::add_map) and returns its loss, whose graph gives the layers'
  // activation shares and the page's probe graphs. Empty: no probe.
  std::function<Var(Timeline&)> probe = {};
  // Scalars worth their cost only now and then (a held-out loss): computed
  // at the recorded steps only.
  std::function<Scalars()> held_out = {};
};

class TimelineRecorder {
 public:
  TimelineRecorder(Timeline& timeline, Module& model, TimelineOptions options);

  Index every() const { return every_; }
  // Whether `step` is one the timeline keeps.
  bool due(Index step) const { return step % every_ == 0 || step == options_.steps - 1; }
  // After backward (and any clipping), before the optimizer's step.
  void before_update(Index step);
  // After the optimizer's step: the snapshot of `step`, with `scalars`.
  void after_update(Index step, const Scalars& scalars = {});
  // Time spent recording so far, to weigh against the training's.
  double seconds() const { return seconds_; }

 private:
  Timeline& timeline_;
  Module& model_;
  TimelineOptions options_;
  Index every_ = 1, recorded_ = 0;
  std::set<Index> graph_snapshots_;  // which snapshots (counted from 0) keep the probe's graph
  std::vector<std::pair<std::string, Var>> parameters_;
  std::vector<Tensor> before_;  // the parameters before a recorded step's update
  std::vector<std::optional<double>> grad_norms_;  // none: no gradient this step
  Index kept_at_ = -1;          // the step before_ belongs to
  double seconds_ = 0;
};

}  // namespace atto
