// The gradient-check registry: one entry per differentiable op, each with
// input shapes, the range its random inputs are drawn from, and the function
// to check. The `gradcheck` program runs them all and prints a table. A
// built-in op adds its entry in op_checks.cpp; an op defined outside the
// library calls register_op_check and then shows in the same table (see
// docs/extending.md and tutorial 12).
#pragma once

#include "autograd/explorer.h"
#include "autograd/gradcheck.h"

#include <string>
#include <vector>

namespace atto {

struct OpCheck {
  std::string name;
  std::vector<Shape> input_shapes;
  GradcheckFn fn;
  // Inputs are uniform in [low, high): e.g. positive for log, away from the
  // kink of relu.
  Real low = -1, high = 1;
  GradcheckOptions options = {};
};

// Every built-in op's check, then every registered one.
const std::vector<OpCheck>& op_checks();

// Adds a check to the table; throws ArgumentError if the name is taken.
void register_op_check(OpCheck check);

// The check's inputs, drawn from a generator seeded with `seed`.
[[nodiscard]] std::vector<Tensor> op_check_inputs(const OpCheck& check, std::uint64_t seed = 0);
// Runs one check on those inputs.
GradcheckResult run_op_check(const OpCheck& check, std::uint64_t seed = 0);

// Runs the checks whose names start with `prefix` (all of them when it is
// empty) and prints the table: one row per op with its input shapes, largest
// errors and verdict, the report of each failure, and a count.
struct OpCheckTally {
  int ran = 0, failed = 0;
};
// Each row is printed as soon as its check ends. With `pictures_dir` (an
// existing folder), each failing check also prints its diagnosis and writes
// its Jacobians as pictures_dir/NAME_jacobian.svg (jacobian_picture.h).
// With a `page`, every check goes into it with the graph of its op on its
// inputs (autograd/explorer.h).
OpCheckTally print_op_check_table(const std::string& prefix = "", std::uint64_t seed = 0,
                                  const std::string& pictures_dir = "", Explorer* page = nullptr);

// The whole `gradcheck` program,
//   gradcheck [--op PREFIX] [--list] [--seed S] [--pictures DIR] [--html FILE] [--help]
// --pictures creates DIR if needed; --html writes the table as an explorer
// page (every check's Jacobians, every op's graph with its formula). A
// program that registers checks of its own and then calls this shows them
// beside the built-in ones. Returns the exit status: 0 when every check that
// ran passed (and for --help, --list), 1 when one failed, 2 for bad
// arguments or a folder or page that cannot be written.
[[nodiscard]] int gradcheck_main(int argc, char** argv);

}  // namespace atto
