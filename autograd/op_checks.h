// The gradient-check registry: one entry per differentiable op, each with
// input shapes, the range its random inputs are drawn from, and the function
// to check. The `gradcheck` program runs them all; adding an op means adding
// one entry here.
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

// Every built-in op's check.
const std::vector<OpCheck>& op_checks();

// Runs one check on inputs drawn from a generator seeded with `seed`.
GradcheckResult run_op_check(const OpCheck& check, std::uint64_t seed = 0);

}  // namespace atto
