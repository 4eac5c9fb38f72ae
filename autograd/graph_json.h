// The graph behind a loss, and gradient checks, as JSON for a browser (the
// tutorials' explorer pages draw them; core/json.h writes the text).
//
// graph_json runs a backward from `root` that keeps every node's gradient,
// then describes each node: its op, shape, a summary of its value and of
// its gradient (min, max, mean, and a small heatmap: the tensor as rows of
// its last axis, averaged down to at most 24 x 24 cells), its version,
// the graph scope it was recorded in (autograd/grad_mode.h), where the op
// recorded it (file:line) and the backward formula written there (the
// comment that quotes the forward line, read from the source file when it
// is there to read). Nothing is left changed: leaf gradients are put back
// as they were, and the graph is kept.
#pragma once

#include "autograd/gradcheck.h"
#include "autograd/var.h"

#include <map>
#include <string>

namespace atto {

// `names` labels nodes the graph does not name itself (a model's
// parameters by their place in it: "decoder.kernel").
using NodeNames = std::map<const Node*, std::string>;
[[nodiscard]] std::string graph_json(const Var& root, const NodeNames& names = {});

// A check's verdict, report, diagnosis and, per input, both Jacobians and
// their difference computed here in double (the first 64 x 64 entries of
// each block: rows are output elements, columns input elements), with the
// count of entries beyond tolerance in the block and in the part shown.
// Every number the page computes with is written exactly (Json::exact).
[[nodiscard]] std::string gradcheck_json(const GradcheckResult& result);

}  // namespace atto
