// The explorer: one self-contained HTML page of a model, to open in a
// browser. Any program writes one in a few lines:
//
//   Explorer page("my model");
//   page.add_graph("one training step", loss, parameter_names(model));  // before backward
//   page.add_attention({"weights", queries, keys, {weights}});
//   page.add_curve({"loss", "step", "loss", {{"train", losses}}});
//   page.add_timeline(timeline);  // autograd/timeline.h, filled while training
//   page.write("my_model.html");
//
// Five panels:
//   * the graph of one recorded step, each node clickable (op, shape,
//     value and gradient with heatmaps, the backward formula the op gave
//     where it recorded itself, and where that was), searchable by op, with
//     each layer's nodes folded into a box until opened;
//   * every gradient check the program ran while the Explorer lived, failed
//     ones first, each Jacobian analytic against numeric, entry by entry;
//   * attention maps with their tokens, a head selector and a slider over
//     the output steps;
//   * training curves;
//   * training timelines (autograd/timeline.h): one step slider, with play,
//     that every part follows: the probe's maps, its layers' stuck units, the
//     parameters' update sizes, the curves marked at the step, and the graph
//     panel showing the probe's graph recorded nearest before it.
// The page needs no network and no source tree: its script and style
// (autograd/explorer/, ours, no library) are compiled into the library, and the
// data is inside the page. Make the Explorer before the forward it will
// draw: while an enabled one lives, layers record the graph scopes that the
// page folds into boxes (autograd/grad_mode.h), and gradchecks are watched.
// A disabled Explorer (enabled = false) records nothing and writes
// nothing, so a program can leave its calls in place.
#pragma once

#include "autograd/gradcheck.h"
#include "autograd/graph_json.h"
#include "autograd/var.h"

#include <optional>
#include <string>
#include <vector>

namespace atto {

// One attention map: rows are what looks (output steps, queries), columns
// what is looked at; one (rows x cols) tensor per head.
struct AttentionMap {
  std::string title;
  std::vector<std::string> rows, cols;
  std::vector<Tensor> heads;
  std::string row_label = "output", col_label = "input";
  // What each weight is made of, where the program knows it
  // (nn/multi_head_attention.h's query_key_vectors): per head the queries
  // (rows x d) and keys (cols x d), the weight of (i, j) being the softmax
  // over j of scale * q_i . k_j. The page shows them for a clicked weight.
  // The page's softmax knows no mask: a map whose weights a mask shaped
  // (causal self-attention, padding) should carry none.
  std::vector<Tensor> queries = {}, keys = {};
  double scale = 1;
};

// A training curve: y per epoch (or step), one series per line.
struct Curve {
  std::string title, x_label = "epoch", y_label;
  struct Series {
    std::string name;
    std::vector<double> y;
  };
  std::vector<Series> series;
  // Training steps per point, when the curve's x axis counts the steps of
  // the run the page's first timeline replays (an epoch of 625 steps: 625;
  // a loss per step: 1): the page marks the timeline's step on the curve,
  // point i ending at step (i + 1) * steps_per_point - 1. 0: not marked.
  Index steps_per_point = 0;
};

// Throws ShapeError unless every head is (rows x cols) of the map's labels,
// and the queries and keys, where given, (rows x d) and (cols x d) per head.
void check_attention_map(const AttentionMap& map);

class Timeline;

class Explorer {
 public:
  explicit Explorer(std::string title, bool enabled = true);
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  bool enabled() const { return enabled_; }
  // The graph behind `loss` (one recorded step), its gradients computed by
  // a backward that leaves the model's gradients as they were; `names`
  // labels nodes, a model's parameters by their place in it
  // (nn/module.h's parameter_names(model)).
  void add_graph(const std::string& caption, const Var& loss, const NodeNames& names = {});
  void add_attention(AttentionMap map);
  void add_curve(Curve curve);
  // A training run's timeline (autograd/timeline.h): the page replays it
  // with a step slider; its probe graphs join the graph panel's list.
  void add_timeline(const Timeline& timeline);
  // A note shown at the top of the gradient-check panel, with an address to
  // open: where the checks of what this page uses can be found when the
  // page itself holds none (a float program points to a double one's page).
  void set_checks_elsewhere(std::string note, std::string address);
  // Writes the page to `path` (IOError when it cannot).
  void write(const std::string& path) const;

 private:
  bool enabled_;
  std::optional<ScopeRecording> scopes_;  // while enabled: layers record their graph scopes
  std::string title_, elsewhere_note_, elsewhere_address_;
  std::vector<std::string> graphs_, checks_, attention_, curves_, timelines_;  // each one JSON value
  GradcheckWatch watch_;
};

// The page's script and style, embedded at build time from
// autograd/explorer/ (explorer_assets.cpp is generated by
// autograd/explorer/embed.py).
extern const char* const kExplorerScript;
extern const char* const kExplorerStyle;

}  // namespace atto
