// The explorer: one self-contained HTML page per tutorial run, to look
// inside while reading the tutorial's story. Four panels:
//   * the graph of one recorded step, each node clickable (op, shape,
//     value and gradient with heatmaps, the backward formula and where the
//     op recorded it, the version counter), searchable by op, with each
//     layer's nodes folded into a box until opened;
//   * every gradient check the run made, failed ones first, each Jacobian
//     analytic against numeric, entry by entry;
//   * attention maps with their tokens, a head selector and a slider over
//     the output steps;
//   * training curves.
// The page needs no network: its script and style (tutorials/common/
// explorer/explorer.js and .css, ours, no library) and the data are inside
// it. A tutorial makes one Explorer after parse_options; it sees every
// gradcheck the tutorial runs from then on (autograd's GradcheckWatch), and
// save() writes <out>/<name>.html when the run writes a page (options.html:
// --html, or full mode without --no-html). Without it every call is cheap
// and writes nothing.
#pragma once

#include "autograd/autograd.h"
#include "nn/module.h"
#include "tutorials/common/options.h"

#include <string>
#include <vector>

namespace atto::tutorial {

// One attention map: rows are what looks (output steps, queries), columns
// what is looked at; one (rows x cols) tensor per head.
struct AttentionMap {
  std::string title;
  std::vector<std::string> rows, cols;
  std::vector<Tensor> heads;
  std::string row_label = "output", col_label = "input";
};

// A training curve: y per epoch (or step), one series per line.
struct Curve {
  std::string title, x_label = "epoch", y_label;
  struct Series {
    std::string name;
    std::vector<double> y;
  };
  std::vector<Series> series;
};

class Explorer {
 public:
  Explorer(const Options& options, std::string title);
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  bool enabled() const { return enabled_; }
  // The graph behind `loss` (one recorded step), its gradients computed by
  // a backward that leaves the model's gradients as they were; a model's
  // parameters are labelled with their names in it.
  void add_graph(const std::string& caption, const Var& loss, const Module* model = nullptr);
  void add_attention(AttentionMap map);
  void add_curve(Curve curve);
  // Writes <out>/<name>.html and says so; returns its path ("" when off).
  std::string save(const std::string& name) const;

 private:
  bool enabled_;
  std::string title_, out_dir_;
  std::vector<std::string> graphs_, checks_, attention_, curves_;  // each one JSON value
  GradcheckWatch watch_;
};

// The page's script and style, embedded at build time from
// tutorials/common/explorer/ (explorer_assets.cpp is generated).
extern const char* const kExplorerScript;
extern const char* const kExplorerStyle;

}  // namespace atto::tutorial
