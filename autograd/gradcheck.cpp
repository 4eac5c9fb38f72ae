#include "autograd/gradcheck.h"

#include "autograd/grad_mode.h"
#include "core/errors.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <type_traits>

namespace atto {

std::string GradcheckResult::report() const {
  std::string text = fmt::format("gradcheck {}: {}", op, passed ? "PASS" : "FAIL");
  if (!failure.empty()) text += fmt::format(" ({})", failure);
  text += fmt::format("; max abs err {:.3g}, max rel err {:.3g}", max_abs_error, max_rel_error);
  if (entries_beyond > 0) {
    Index entries = 0;
    for (const Shape& shape : input_shapes) entries += output_shape.numel() * shape.numel();
    text += fmt::format("; {} of {} entries beyond tolerance", entries_beyond, entries);
  }
  if (worst_input >= 0) {
    text += fmt::format("; worst: input {} element {} -> output {}: analytic {:.10g} vs numeric {:.10g}", worst_input,
                        worst_element, worst_output, analytic, numeric);
  }
  return text;
}

namespace {

thread_local GradcheckWatch* watching = nullptr;  // the innermost GradcheckWatch of this thread

// Row `out` of the analytic Jacobian for every input: backward of a one-hot seed.
std::vector<Tensor> analytic_row(Var& output, std::vector<Var>& leaves, Index out) {
  for (Var& leaf : leaves) leaf.zero_grad();
  Tensor seed = zeros(output.shape());
  seed.data()[out] = 1;
  output.backward(seed, true);
  std::vector<Tensor> row;
  for (Var& leaf : leaves) row.push_back(leaf.has_grad() ? leaf.grad() : zeros(leaf.shape()));
  return row;
}

bool same_bits(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    // An empty tensor may have no storage at all, and memcmp must not see a null pointer.
    if (a[i].numel() > 0 && std::memcmp(a[i].data(), b[i].data(), sizeof(Real) * a[i].numel()) != 0) return false;
  }
  return true;
}

// The check itself; `phase` says which of forward and backward is running,
// so that gradcheck can name it when one throws.
void run_check(const GradcheckFn& fn, const std::vector<Tensor>& inputs, const GradcheckOptions& options,
               GradcheckResult& result, const char*& phase) {
  std::vector<Var> leaves;
  for (const Tensor& input : inputs) leaves.emplace_back(input.clone(), true);
  phase = "forward";
  Var output = fn(leaves);
  if (!output.requires_grad()) {
    result.failure = "the output does not depend on any input through the graph";
    return;
  }
  const Index outputs = output.value().numel();

  // analytic[out][input] = d output[out] / d input, computed twice to check determinism.
  phase = "backward";
  std::vector<std::vector<Tensor>> analytic;
  for (Index out = 0; out < outputs; ++out) {
    analytic.push_back(analytic_row(output, leaves, out));
    if (!same_bits(analytic.back(), analytic_row(output, leaves, out))) {
      result.failure = fmt::format("backward is not deterministic (output element {})", out);
      return;
    }
  }

  phase = "forward";
  const NoGradGuard no_graph;
  bool all_zero = true;
  result.output_shape = output.shape();
  for (const Var& leaf : leaves) {
    result.input_shapes.push_back(leaf.shape());
    const auto block = static_cast<std::size_t>(outputs * leaf.numel());
    result.analytic_jacobian.emplace_back(block, 0.0);
    result.numeric_jacobian.emplace_back(block, 0.0);
  }
  for (size_t i = 0; i < leaves.size(); ++i) {
    Real* x = leaves[i].mutable_value().data();
    for (Index e = 0; e < leaves[i].value().numel(); ++e) {
      const Real saved = x[e];
      x[e] = static_cast<Real>(saved + options.eps);
      const Tensor plus = fn(leaves).value().clone();
      x[e] = static_cast<Real>(saved - options.eps);
      const Tensor minus = fn(leaves).value();
      x[e] = saved;
      for (Index out = 0; out < outputs; ++out) {
        const double numeric = (static_cast<double>(plus.data()[out]) - minus.data()[out]) / (2 * options.eps);
        const double a = analytic[out][i].data()[e];
        const auto at = static_cast<std::size_t>(out * leaves[i].numel() + e);
        result.analytic_jacobian[i][at] = a;
        result.numeric_jacobian[i][at] = numeric;
        const double abs_error = std::abs(a - numeric);
        const double rel_error = abs_error / std::max(std::abs(numeric), 1e-12);
        const bool bad = !options.accepts(a, numeric);
        result.entries_beyond += bad ? 1 : 0;
        all_zero = all_zero && a == 0 && numeric == 0;
        if (abs_error > result.max_abs_error || !std::isfinite(a) || result.worst_input < 0) {
          result.worst_input = static_cast<int>(i);
          result.worst_element = e;
          result.worst_output = out;
          result.analytic = a;
          result.numeric = numeric;
        }
        result.max_abs_error = std::max(result.max_abs_error, std::isfinite(a) ? abs_error : INFINITY);
        if (std::abs(numeric) > options.atol) result.max_rel_error = std::max(result.max_rel_error, rel_error);
        if (bad && result.failure.empty()) {
          result.failure = std::isfinite(a)
                               ? fmt::format("input {} element {} -> output {}: |{:.10g} - {:.10g}| > tolerance", i,
                                             e, out, a, numeric)
                               : fmt::format("input {} element {}: analytic gradient is {}", i, e, a);
        }
      }
    }
  }
  if (result.failure.empty() && all_zero && !options.zero_gradient_expected) {
    result.failure = "vacuous: every analytic and numeric gradient is zero";
  }
}

}  // namespace

GradcheckResult gradcheck(const std::string& op, const GradcheckFn& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  if constexpr (!std::is_same_v<Real, double>) {
    throw_argument_error("gradcheck", "{}: needs the double-precision build (link attograd_f64)", op);
  }
  GradcheckResult result;
  result.op = op;
  result.options = options;
  const char* phase = "forward";
  try {
    run_check(fn, inputs, options, result, phase);
  } catch (const std::exception& e) {
    result.failure = fmt::format("{} threw: {}", phase, e.what());
  }
  result.passed = result.failure.empty();
  if (watching != nullptr) watching->see(result);
  return result;
}

GradcheckWatch::GradcheckWatch(std::function<void(const GradcheckResult&)> seen)
    : seen_(std::move(seen)), previous_(watching) {
  watching = this;
}

GradcheckWatch::~GradcheckWatch() { watching = previous_; }

}  // namespace atto
