#include "tutorials/common/alignment.h"

#include "core/errors.h"
#include "tutorials/common/heatmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace atto::tutorial {

namespace {

void check(const std::vector<std::string>& source_tokens, const std::vector<std::string>& output_tokens,
           const Tensor& weights) {
  if (weights.rank() != 2 || weights.dim(0) != static_cast<Index>(output_tokens.size()) ||
      weights.dim(1) != static_cast<Index>(source_tokens.size())) {
    throw_shape_error("alignment", "weights {} for {} output and {} source tokens", weights.shape(),
                      output_tokens.size(), source_tokens.size());
  }
}

std::size_t longest_token(const std::vector<std::string>& tokens) {
  std::size_t width = 1;
  for (const std::string& token : tokens) width = std::max(width, token.size());
  return width;
}

}  // namespace

void print_alignment(const std::vector<std::string>& source_tokens, const std::vector<std::string>& output_tokens,
                     const Tensor& weights) {
  check(source_tokens, output_tokens, weights);
  static const char kShades[] = " .:-=+*#%@";
  // Columns wide enough for the longest source token (words) or two characters.
  const std::size_t column = std::max<std::size_t>(2, longest_token(source_tokens) + 1), label = longest_token(output_tokens) + 1;
  fmt::print("{:>{}} ", "", label);
  for (const std::string& token : source_tokens) fmt::print("{:>{}}", token == " " ? "_" : token, column);
  fmt::print("\n");
  for (std::size_t row = 0; row < output_tokens.size(); ++row) {
    fmt::print("{:>{}} ", output_tokens[row], label);
    for (std::size_t col = 0; col < source_tokens.size(); ++col) {
      const Real w = weights.at({static_cast<Index>(row), static_cast<Index>(col)});
      const char shade = kShades[std::clamp(static_cast<int>(w * 10), 0, 9)];
      fmt::print("{:>{}}", std::string(std::min<std::size_t>(column - 1, 3), shade), column);
    }
    fmt::print("\n");
  }
}

Svg alignment_svg(const std::vector<std::string>& source_tokens, const std::vector<std::string>& output_tokens,
                  const Tensor& weights, const std::string& title) {
  check(source_tokens, output_tokens, weights);
  return heatmaps_svg(title, {{"", output_tokens, source_tokens, weights}});
}

}  // namespace atto::tutorial
