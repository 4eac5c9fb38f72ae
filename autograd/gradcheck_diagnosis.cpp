// GradcheckResult::diagnosis: reading a failed check's Jacobians the way a
// learner hunting the bug would, input by input.
#include "autograd/gradcheck.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace atto {

namespace {

// The one factor c with analytic = c * numeric everywhere (to 1e-6 of the
// largest numeric value), if there is one.
std::optional<double> common_factor(const std::vector<double>& analytic, const std::vector<double>& numeric) {
  double largest = 0, top = 0, bottom = 0;
  for (std::size_t k = 0; k < numeric.size(); ++k) {
    largest = std::max(largest, std::abs(numeric[k]));
    top += analytic[k] * numeric[k];
    bottom += numeric[k] * numeric[k];
  }
  if (largest == 0) return std::nullopt;
  const double factor = top / bottom;
  for (std::size_t k = 0; k < numeric.size(); ++k) {
    if (std::abs(analytic[k] - factor * numeric[k]) > 1e-6 * largest + 1e-9) return std::nullopt;
  }
  return factor;
}

// Whether the block equals the numeric one with the input's two axes swapped.
bool transposed(const std::vector<double>& analytic, const std::vector<double>& numeric, const Shape& input,
                Index outputs) {
  if (input.rank() != 2 || input[0] != input[1] || input[0] < 2) return false;
  const Index n = input[0];
  for (Index out = 0; out < outputs; ++out) {
    for (Index r = 0; r < n; ++r) {
      for (Index c = 0; c < n; ++c) {
        const double a = analytic[static_cast<std::size_t>(out * n * n + r * n + c)];
        const double t = numeric[static_cast<std::size_t>(out * n * n + c * n + r)];
        if (std::abs(a - t) > 1e-6 * (1 + std::abs(t))) return false;
      }
    }
  }
  return true;
}

std::string describe_factor(double factor) {
  if (std::abs(factor + 1) < 1e-6) return "has the wrong sign everywhere (-1 times the right one)";
  if (std::abs(factor) < 1e-9) return "is zero where it should not be";
  if (factor < 0) return fmt::format("has the wrong sign and is {:.3g}x the right size", -factor);
  const double rounded = std::round(factor);
  if (factor > 1 && std::abs(factor - rounded) < 1e-6) {
    return fmt::format("is {}x too large everywhere (a term counted {} times, or a factor that should not be there)",
                       rounded, rounded);
  }
  if (factor < 1 && std::abs(1 / factor - std::round(1 / factor)) < 1e-6) {
    return fmt::format("is 1/{}x of the right one everywhere (a contribution missing: an input used {} times "
                       "whose gradients were not all added, or a factor left out)",
                       std::round(1 / factor), std::round(1 / factor));
  }
  return fmt::format("is {:.4g}x the right one everywhere (a constant factor is wrong)", factor);
}

}  // namespace

std::string GradcheckResult::diagnosis() const {
  if (passed || analytic_jacobian.empty()) return "";
  const Index outputs = output_shape.numel();
  std::string text;
  for (std::size_t i = 0; i < analytic_jacobian.size(); ++i) {
    const std::vector<double>& a = analytic_jacobian[i];
    const std::vector<double>& n = numeric_jacobian[i];
    const Index elements = input_shapes[i].numel();
    std::vector<Index> wrong;  // input elements with a wrong entry
    for (Index e = 0; e < elements; ++e) {
      for (Index out = 0; out < outputs; ++out) {
        const std::size_t k = static_cast<std::size_t>(out * elements + e);
        if (!(std::abs(a[k] - n[k]) <= options.atol + options.rtol * std::abs(n[k]))) {
          wrong.push_back(e);
          break;
        }
      }
    }
    if (wrong.empty()) continue;
    std::string what;
    if (const std::optional<double> factor = common_factor(a, n)) {
      what = describe_factor(*factor);
    } else if (transposed(a, n, input_shapes[i], outputs)) {
      what = "is the transpose of the right one (rows and columns of the input swapped)";
    } else {
      std::string listed;
      for (std::size_t w = 0; w < std::min<std::size_t>(wrong.size(), 6); ++w) {
        listed += fmt::format("{}{}", w ? ", " : "", wrong[w]);
      }
      what = fmt::format("is wrong at {} of its {} elements ({}{})", wrong.size(), elements, listed,
                         wrong.size() > 6 ? ", ..." : "");
    }
    text += fmt::format("{}your gradient for input {} {} {}", text.empty() ? "" : "; ", i, input_shapes[i], what);
  }
  return text;
}

}  // namespace atto
