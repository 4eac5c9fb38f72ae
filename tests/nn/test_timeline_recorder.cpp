#include "nn/nn.h"
#include "tests/check_throws.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace atto;

namespace {

struct Probed : Module {
  Dense layer{2, {.units = 2, .activation = Activation::tanh}};
  Probed() { register_module("layer", layer); }
  std::string type_name() const override { return "Probed"; }
};

}  // namespace

TEST_CASE("timeline recorder: one snapshot every ceil(steps / snapshots) steps, and the last step") {
  Probed model;
  Timeline timeline("run");
  TimelineRecorder recorder(timeline, model, {.steps = 11, .snapshots = 4});
  CHECK(recorder.every() == 3);
  std::vector<Index> kept;
  for (Index step = 0; step < 11; ++step) {
    if (recorder.due(step)) kept.push_back(step);
  }
  CHECK(kept == std::vector<Index>{0, 3, 6, 9, 10});
  check_throws<ArgumentError>([&] { TimelineRecorder(timeline, model, {.steps = 0}); },
                              "TimelineRecorder: steps 0, snapshots 100, graphs 3: steps and snapshots must be "
                              "positive, graphs not negative");
}

TEST_CASE("timeline recorder: norms, gradient norms and the update against the parameter") {
  Probed model;
  Timeline timeline("run");
  TimelineRecorder recorder(timeline, model, {.steps = 2, .snapshots = 2});
  const std::vector<Var> parameters = model.parameters();
  sum(model.layer(Var(ones({1, 2})))).backward();
  recorder.before_update(0);
  SGD(parameters, {.lr = 0.1}).step();
  recorder.after_update(0, {{"loss", 1.5}});
  const Snapshot& snapshot = timeline.snapshots().at(0);
  CHECK(snapshot.scalars == Scalars{{"loss", 1.5}});
  REQUIRE(snapshot.parameters.size() == 2);
  const ParameterStep& kernel = snapshot.parameters[0];
  CHECK(kernel.name == "layer.kernel");
  const double grad_norm = std::sqrt(sum(parameters[0].grad() * parameters[0].grad()).item());
  CHECK(kernel.grad_norm == doctest::Approx(grad_norm));
  CHECK(kernel.norm == doctest::Approx(std::sqrt(sum(parameters[0].value() * parameters[0].value()).item())));
  const double before = std::sqrt(sum((parameters[0].value() + 0.1 * parameters[0].grad()) *
                                      (parameters[0].value() + 0.1 * parameters[0].grad())).item());
  CHECK(kernel.update_ratio == doctest::Approx(0.1 * grad_norm / before));
  // The bias starts at zero: its update is weighed against its new norm.
  CHECK(snapshot.parameters[1].update_ratio == doctest::Approx(1.0));
  check_throws<ArgumentError>([&] { recorder.after_update(1); },
                              "TimelineRecorder: after_update(1) without before_update(1) before the optimizer's step");
}

TEST_CASE("timeline recorder: the probe runs in eval mode, its graph kept at the first, middle and last snapshot") {
  Probed model;
  Timeline timeline("run");
  std::vector<bool> training_during_probe;
  TimelineRecorder recorder(timeline, model, {.steps = 5, .snapshots = 5, .probe = [&](Timeline& t) {
    training_during_probe.push_back(model.is_training());
    t.add_scalar("probe", 1);
    return sum(model.layer(Var(full({1, 2}, 10))));
  }, .held_out = [] { return Scalars{{"held-out", 0.25}}; }});
  for (Index step = 0; step < 5; ++step) {
    recorder.before_update(step);
    recorder.after_update(step);
  }
  CHECK(model.is_training());
  CHECK(training_during_probe == std::vector<bool>(5, false));
  REQUIRE(timeline.snapshots().size() == 5);
  std::vector<bool> with_graph;
  for (const Snapshot& s : timeline.snapshots()) with_graph.push_back(!s.graph.empty());
  CHECK(with_graph == std::vector<bool>{true, false, true, false, true});
  const Snapshot& last = timeline.snapshots().back();
  CHECK(last.scalars == Scalars{{"held-out", 0.25}, {"probe", 1}});
  REQUIRE(last.activations.size() == 1);
  CHECK(last.activations[0].layer == "layer");
  CHECK(last.activations[0].kind == "tanh saturated");
  CHECK(recorder.seconds() > 0);
}

TEST_CASE("timeline recorder: a parameter the loss does not reach is left out") {
  struct WithStored : Module {
    Dense layer{2, {.units = 2}};
    Var stored{ones({3}), true};  // kept in checkpoints, never in the loss
    WithStored() {
      register_module("layer", layer);
      register_parameter("stored", stored);
    }
    std::string type_name() const override { return "WithStored"; }
  } model;
  Timeline timeline("run");
  TimelineRecorder recorder(timeline, model, {.steps = 1, .snapshots = 1});
  sum(model.layer(Var(ones({1, 2})))).backward();
  recorder.before_update(0);
  recorder.after_update(0);
  std::vector<std::string> names;
  for (const ParameterStep& p : timeline.snapshots().at(0).parameters) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"layer.kernel", "layer.bias"});
}
