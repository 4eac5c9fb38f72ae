// Graph export: the graph behind a Var as Graphviz DOT text.
//
// Each node shows its op (or "leaf" and its name), its shape, and after a
// backward from `root` the norm of its gradient (a single number: the
// gradient itself). A gradient this graph's backward did not write, one
// an earlier step left on a parameter, is marked "(an earlier backward's)",
// and one summed with earlier passes' "(with earlier backwards')": a
// picture never passes either off as this graph's own. `names` labels nodes
// the graph does not name itself, as graph_json's does (a model's
// parameters: "decoder.kernel"). Render with `dot -Tsvg graph.dot`.
#pragma once

#include "autograd/graph_json.h"
#include "autograd/var.h"

#include <string>

namespace atto {

[[nodiscard]] std::string to_dot(const Var& root, const NodeNames& names = {});
// Writes to_dot(root, names) to `path`; throws IOError if it cannot.
void write_dot(const Var& root, const std::string& path, const NodeNames& names = {});

}  // namespace atto
