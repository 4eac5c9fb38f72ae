// Step 3 of tutorial 12: the GRU in the gradient-check table, beside the
// library's own ops. Each entry: a name, the input shapes, the function.
#include "autograd/op_checks.h"
#include "tutorials/12_your_own_layer/gru.h"

namespace atto::tutorial {

namespace {

// Shapes of gru_sequence's inputs for B=2, T=4, I=3, U=2.
const std::vector<Shape> kGruShapes = {{2, 4, 3}, {2, 2}, {3, 6}, {2, 6}, {6}, {6}};

// A skipped step in the middle of the first sequence, padding at the end of the second.
Tensor gru_mask() { return tensor({{1, 0, 1, 1}, {1, 1, 0, 0}}); }

}  // namespace

void register_gru_checks() {
  using Vars = std::vector<Var>;
  register_op_check({"gru_sequence", kGruShapes,
                     [](const Vars& v) { return gru_sequence(v[0], v[1], v[2], v[3], v[4], v[5]); }});
  register_op_check({"gru_sequence_masked", kGruShapes,
                     [](const Vars& v) { return gru_sequence(v[0], v[1], v[2], v[3], v[4], v[5], gru_mask()); }});
  register_op_check({"gru_sequence_composed", kGruShapes, [](const Vars& v) {
                       return gru_sequence_composed(v[0], v[1], v[2], v[3], v[4], v[5], gru_mask());
                     }});
}

}  // namespace atto::tutorial
