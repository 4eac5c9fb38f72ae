// Graph export: the graph behind a Var as Graphviz DOT text.
//
// Each node shows its op (or "leaf" and its name), its shape, and after a
// backward the norm of its gradient. Render with `dot -Tsvg graph.dot`.
#pragma once

#include "autograd/var.h"

#include <string>

namespace atto {

[[nodiscard]] std::string to_dot(const Var& root);
// Writes to_dot(root) to `path`; throws IOError if it cannot.
void write_dot(const Var& root, const std::string& path);

}  // namespace atto
