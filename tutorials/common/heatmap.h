// Labelled heatmaps for the tutorials' pictures: one or more panels side by
// side, each a matrix with a label per row and per column and a caption, on
// one shared colour scale with its bar, axis titles and a title. Attention
// weights (0 to 1, white to blue) are the usual content; a scale running
// from negative to positive (scores, say) is drawn blue-white-red.
#pragma once

#include "core/tensor.h"
#include "tutorials/common/svg.h"

#include <string>
#include <vector>

namespace atto::tutorial {

struct HeatmapPanel {
  std::string caption;                             // above the panel; may be empty
  std::vector<std::string> rows, columns;          // labels, one per row and column
  Tensor values;                                   // (rows, columns)
};

struct HeatmapScale {
  std::string row_title = "output tokens";
  std::string column_title = "input tokens (attended to)";
  std::string value_title = "attention weight";
  double low = 0, high = 1;  // values beyond are drawn at the ends
};

// Throws ShapeError when a panel's values do not match its labels.
Svg heatmaps_svg(const std::string& title, const std::vector<HeatmapPanel>& panels, const HeatmapScale& scale = {});

}  // namespace atto::tutorial
