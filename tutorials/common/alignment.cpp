#include "tutorials/common/alignment.h"

#include "core/errors.h"

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

std::size_t widest(const std::vector<std::string>& tokens) {
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
  const std::size_t column = std::max<std::size_t>(2, widest(source_tokens) + 1), label = widest(output_tokens) + 1;
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
  constexpr double kCell = 26, kTop = 44, kBar = 14, kBarRoom = 80;
  // Room for the tokens, the axis titles and, right of the grid, the colour bar.
  const double left = 36.0 + 8.0 * static_cast<double>(widest(output_tokens));
  const double bottom = 40.0 + 8.0 * static_cast<double>(widest(source_tokens));
  const auto cols = static_cast<double>(source_tokens.size()), rows = static_cast<double>(output_tokens.size());
  const double grid_right = left + cols * kCell;
  const double width = std::max(grid_right + 24 + kBarRoom, 24 + text_width(title, 14));
  Svg svg(static_cast<int>(std::ceil(width)), static_cast<int>(kTop + std::max(rows * kCell, 120.0) + bottom));
  svg.text(12, 24, title, 14);
  const auto shade_of = [](double w) {
    const int shade = 255 - static_cast<int>(std::lround(std::clamp<double>(w, 0, 1) * 255));
    return fmt::format("rgb({0},{0},255)", shade);
  };
  for (std::size_t r = 0; r < output_tokens.size(); ++r) {
    const double y = kTop + static_cast<double>(r) * kCell;
    svg.text(left - 6, y + kCell * 0.65, output_tokens[r], 13, "end");
    for (std::size_t c = 0; c < source_tokens.size(); ++c) {
      const Real w = weights.at({static_cast<Index>(r), static_cast<Index>(c)});
      svg.rect(left + static_cast<double>(c) * kCell, y, kCell - 1, kCell - 1, shade_of(w));
    }
  }
  for (std::size_t c = 0; c < source_tokens.size(); ++c) {
    const std::string& token = source_tokens[c];
    // Source tokens run downwards under their columns, so long words do not overlap.
    svg.text(left + (static_cast<double>(c) + 0.6) * kCell, kTop + rows * kCell + 8, token == " " ? "_" : token, 13,
             "start", 90);
  }
  svg.text(left + cols * kCell / 2, kTop + rows * kCell + bottom - 10, "input tokens (attended to)", 13, "middle");
  svg.text(14, kTop + rows * kCell / 2, "output tokens", 13, "middle", -90);
  svg.colour_bar(grid_right + 24, kTop, kBar, std::max(rows * kCell, 120.0), shade_of, 0, 1, "attention weight");
  return svg;
}

}  // namespace atto::tutorial
