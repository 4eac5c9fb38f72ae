// The gradient-check registry: one entry per differentiable op, each with
// input shapes, the range its random inputs are drawn from, and the function
// to check. The `gradcheck` program runs them all and prints a table. A
// built-in op adds its entry in op_checks.cpp; an op defined outside the
// library calls register_op_check and then shows in the same table (see
// docs/extending.md and tutorial 12).
#pragma once

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

// Runs one check on inputs drawn from a generator seeded with `seed`.
GradcheckResult run_op_check(const OpCheck& check, std::uint64_t seed = 0);

// Runs the checks whose names start with `prefix` (all of them when it is
// empty) and prints the table: one row per op with its input shapes, largest
// errors and verdict, the report of each failure, and a count.
struct OpCheckTally {
  int ran = 0, failed = 0;
};
// With `pictures_dir`, each failing check also prints its diagnosis and
// writes its Jacobians as pictures_dir/NAME_jacobian.svg (jacobian_picture.h).
OpCheckTally print_op_check_table(const std::string& prefix = "", std::uint64_t seed = 0,
                                  const std::string& pictures_dir = "");

// The whole `gradcheck` program, `gradcheck [--op PREFIX] [--list] [--seed S]`:
// a program that registers checks of its own and then calls this prints them
// in the table beside the built-in ones. Returns the exit status: 0 when every
// check that ran passed, 1 when one failed, 2 for bad arguments.
[[nodiscard]] int gradcheck_main(int argc, char** argv);

}  // namespace atto
