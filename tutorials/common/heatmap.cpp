#include "tutorials/common/heatmap.h"

#include "core/errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace atto::tutorial {

namespace {

constexpr double kCell = 26, kTop = 44, kGap = 30, kBar = 14, kBarRoom = 80, kCaption = 20;

double widest_label_pixels(const std::vector<std::string>& labels) {
  double width = text_width("_", 13);
  for (const std::string& label : labels) width = std::max(width, text_width(label, 13));
  return width;
}

// White to blue from low to high; blue-white-red around zero when the scale spans it.
std::string colour_of(double t, bool diverging) {
  t = std::clamp(t, 0.0, 1.0);
  if (!diverging) {
    const int shade = 255 - static_cast<int>(std::lround(t * 255));
    return fmt::format("rgb({0},{0},255)", shade);
  }
  const double s = std::abs(2 * t - 1);
  const int fade = 255 - static_cast<int>(std::lround(s * 255));
  return t < 0.5 ? fmt::format("rgb({0},{0},255)", fade) : fmt::format("rgb(255,{0},{0})", fade);
}

}  // namespace

Svg heatmaps_svg(const std::string& title, const std::vector<HeatmapPanel>& panels, const HeatmapScale& scale) {
  for (const HeatmapPanel& panel : panels) {
    if (panel.values.rank() != 2 || panel.values.dim(0) != static_cast<Index>(panel.rows.size()) ||
        panel.values.dim(1) != static_cast<Index>(panel.columns.size())) {
      throw_shape_error("heatmaps_svg", "panel \"{}\": values {} for {} row and {} column labels", panel.caption,
                        panel.values.shape(), panel.rows.size(), panel.columns.size());
    }
  }
  const bool diverging = scale.low < 0 && scale.high > 0;
  const auto colour = [&](double t) { return colour_of(t, diverging); };
  // Each panel: row labels, then its grid; column labels run downwards under it.
  double x = 36, grid_bottom = kTop + kCaption, label_depth = 0, tallest = 120;
  std::vector<double> lefts;
  for (const HeatmapPanel& panel : panels) {
    const double left = x + widest_label_pixels(panel.rows) + 8;
    lefts.push_back(left);
    const double grid_width = static_cast<double>(panel.columns.size()) * kCell;
    x = left + std::max(grid_width, text_width(panel.caption, 13) - widest_label_pixels(panel.rows) - 8) + kGap;
    tallest = std::max(tallest, static_cast<double>(panel.rows.size()) * kCell);
    label_depth = std::max(label_depth, widest_label_pixels(panel.columns));
  }
  grid_bottom += tallest;
  const double bar_x = x - kGap + 24;
  const double width = std::max(bar_x + kBarRoom, 24 + text_width(title, 14));
  const double height = grid_bottom + 16 + label_depth + 30;
  Svg svg(static_cast<int>(std::ceil(width)), static_cast<int>(std::ceil(height)));
  svg.text(12, 24, title, 14);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const HeatmapPanel& panel = panels[p];
    const double left = lefts[p], top = kTop + kCaption;
    svg.text(left, kTop + 12, panel.caption, 13);
    for (std::size_t r = 0; r < panel.rows.size(); ++r) {
      const double y = top + static_cast<double>(r) * kCell;
      svg.text(left - 6, y + kCell * 0.65, panel.rows[r], 13, "end");
      for (std::size_t c = 0; c < panel.columns.size(); ++c) {
        const double v = panel.values.at({static_cast<Index>(r), static_cast<Index>(c)});
        svg.rect(left + static_cast<double>(c) * kCell, y, kCell - 1, kCell - 1,
                 colour((v - scale.low) / (scale.high - scale.low)));
      }
    }
    const double rows_bottom = top + static_cast<double>(panel.rows.size()) * kCell;
    for (std::size_t c = 0; c < panel.columns.size(); ++c) {
      const std::string& label = panel.columns[c];
      svg.text(left + (static_cast<double>(c) + 0.6) * kCell, rows_bottom + 8, label == " " ? "_" : label, 13, "start", 90);
    }
  }
  svg.text((36 + bar_x - 24) / 2, height - 10, scale.column_title, 13, "middle");
  svg.text(14, kTop + kCaption + tallest / 2, scale.row_title, 13, "middle", -90);
  svg.colour_bar(bar_x, kTop + kCaption, kBar, tallest, colour, scale.low, scale.high, scale.value_title);
  return svg;
}

}  // namespace atto::tutorial
