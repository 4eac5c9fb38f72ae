// A failed gradient check as a picture: for each input, the analytic
// Jacobian, the numeric one and their difference side by side as heatmaps
// (rows: output elements, columns: the input's elements), on one colour
// scale per input, the worst entries outlined, and the diagnosis in words on
// top. A learner sees at a glance whether the whole block is off by a factor,
// flipped, transposed, or wrong in a few places.
#pragma once

#include "autograd/gradcheck.h"

#include <string>

namespace atto {

// The picture as SVG text. Throws ArgumentError for a result without
// Jacobians (a check that threw before computing them).
[[nodiscard]] std::string jacobian_svg(const GradcheckResult& result);
// Writes it to `path`; throws IOError when the file cannot be written.
void write_jacobian_picture(const GradcheckResult& result, const std::string& path);

}  // namespace atto
