// gradcheck: is the backward right? Compares the Jacobian that backward
// computes with one measured by central differences,
//
//   numeric d out_j / d in_i = (f(in_i + eps) - f(in_i - eps)) / (2 eps),
//
// over every input element and every output element (the full Jacobian),
// element by element with |analytic - numeric| <= atol + rtol * |numeric|
// (PyTorch's test and defaults). Double precision only: in float the
// rounding error of the differences is larger than the tolerance.
//
// A check can pass for the wrong reason, so it also fails when
//  * every gradient, analytic and numeric, is zero (a vacuous check), unless
//    the caller says zero is the expected answer;
//  * any analytic gradient is NaN or Inf;
//  * backward gives different bits when run twice on the same graph.
#pragma once

#include "autograd/var.h"

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace atto {

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  bool zero_gradient_expected = false;

  // The test each Jacobian entry must pass: |analytic - numeric| <= atol +
  // rtol * |numeric| (a NaN or Inf analytic never passes).
  [[nodiscard]] double tolerance(double numeric) const { return atol + rtol * std::abs(numeric); }
  [[nodiscard]] bool accepts(double analytic, double numeric) const {
    return std::isfinite(analytic) && std::abs(analytic - numeric) <= tolerance(numeric);
  }
};

struct GradcheckResult {
  std::string op;
  GradcheckOptions options;  // the tolerances the check used
  bool passed = false;
  std::string failure;  // why it failed; empty when it passed
  double max_abs_error = 0;
  double max_rel_error = 0;
  Index entries_beyond = 0;  // Jacobian entries that fail options.accepts
  // The worst element: input number, element of that input, output element.
  int worst_input = -1;
  Index worst_element = -1, worst_output = -1;
  double analytic = 0, numeric = 0;

  // The whole Jacobians, once both were computed: per input, an (output
  // elements x input elements) block, row-major, analytic and numeric.
  Shape output_shape;
  std::vector<Shape> input_shapes;
  std::vector<std::vector<double>> analytic_jacobian, numeric_jacobian;

  // One paragraph naming the op, the verdict and the worst element.
  [[nodiscard]] std::string report() const;
  // Where the analytic Jacobian goes wrong, in words, input by input, naming
  // a pattern when it recognises one: a constant factor (2x too large, the
  // wrong sign), a transposed block, a gradient that is zero where it should
  // not be, or the elements that are wrong. Empty when the check passed.
  [[nodiscard]] std::string diagnosis() const;
};

using GradcheckFn = std::function<Var(const std::vector<Var>&)>;

// Runs fn on leaves holding copies of `inputs` (all requiring grad).
GradcheckResult gradcheck(const std::string& op, const GradcheckFn& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

// While a GradcheckWatch lives, every gradcheck on its thread hands it the
// result, once computed: a page that shows every check a program ran (the
// tutorials' explorer) sees them without each call site reporting them.
// Watches nest: the innermost sees the checks.
class GradcheckWatch {
 public:
  explicit GradcheckWatch(std::function<void(const GradcheckResult&)> seen);
  ~GradcheckWatch();
  GradcheckWatch(const GradcheckWatch&) = delete;
  GradcheckWatch& operator=(const GradcheckWatch&) = delete;
  void see(const GradcheckResult& result) const { seen_(result); }

 private:
  std::function<void(const GradcheckResult&)> seen_;
  GradcheckWatch* previous_;
};

}  // namespace atto
