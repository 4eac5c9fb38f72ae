// A training run's timeline, for the explorer page (autograd/explorer.h):
// every K steps one snapshot of what the run looked like then, which the
// page replays with one step slider. A snapshot holds
//   * scalars: the training loss, a held-out metric, anything numeric;
//   * per parameter tensor its norm, its gradient's norm and the size of
//     the step's update against the parameter, ||p_after - p_before|| / ||p_before||;
//   * per layer the share of its activations that are stuck: tanh and
//     sigmoid units saturated, ReLU units dead, softmax rows near one-hot
//     (activation_shares, read off a probe's graph);
//   * a fixed probe example's attention maps;
//   * for a few snapshots, the probe's whole graph with values and gradients.
// Timeline only holds what it is given: nn/timeline_recorder.h fills one
// from a model and its training loop. Maps are kept to 3 decimals, enough
// for a picture, so a page of a few hundred snapshots stays small.
#pragma once

#include "autograd/explorer.h"
#include "autograd/graph_json.h"
#include "autograd/var.h"

#include <string>
#include <utility>
#include <vector>

namespace atto {

// One layer's (graph scope's) share of stuck units of one kind.
struct ActivationShare {
  std::string layer;  // the scope's module path ("encoder"), "" outside any module
  std::string kind;   // "tanh saturated", "sigmoid saturated", "relu dead", "softmax one-hot"
  double share = 0;   // in [0, 1]
  Index count = 0;    // units (or softmax rows) looked at
};

// What is stuck behind `root`, per layer and kind, from the values of its
// graph's tanh, sigmoid, relu and softmax nodes and of the fused ops'
// internals of those kinds (an LSTM's gates, attention's weights). A tanh
// unit is saturated when |y| > 0.97, a sigmoid one when y < 0.03 or
// y > 0.97; a ReLU unit (a column of the last axis) is dead when it is 0
// for every row; a softmax row is one-hot when its largest entry is over
// 0.9. Layers are known only when the graph was recorded while a
// ScopeRecording lived (autograd/grad_mode.h).
[[nodiscard]] std::vector<ActivationShare> activation_shares(const Var& root);

struct ParameterStep {
  std::string name;
  double norm = 0, grad_norm = 0;
  double update_ratio = 0;  // ||update|| / ||parameter before it||
};

struct Snapshot {
  Index step = 0;
  std::vector<std::pair<std::string, double>> scalars;
  std::vector<ParameterStep> parameters;
  std::vector<ActivationShare> activations;
  std::vector<AttentionMap> maps;
  std::string graph;  // the probe's graph as JSON (graph_json), "" for most snapshots
};

class Timeline {
 public:
  explicit Timeline(std::string title) : title_(std::move(title)) {}

  // Starts the snapshot of training step `step` (steps only increase); the
  // add_ calls fill the latest one.
  void begin(Index step);
  void add_scalar(const std::string& name, double value);
  void add_parameter(ParameterStep parameter);
  void add_activations(const Var& root) { latest().activations = activation_shares(root); }
  // Weights, queries and keys rounded to 3 decimals; checked as
  // Explorer::add_attention checks.
  void add_map(AttentionMap map);
  void add_graph(const Var& loss, const NodeNames& names = {});
  // What to look for, in words, and what the run measured: shown above the slider.
  void set_note(std::string note) { note_ = std::move(note); }

  const std::string& title() const { return title_; }
  const std::string& note() const { return note_; }
  const std::vector<Snapshot>& snapshots() const { return snapshots_; }

 private:
  Snapshot& latest();

  std::string title_, note_;
  std::vector<Snapshot> snapshots_;
};

}  // namespace atto
