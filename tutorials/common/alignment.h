// Pictures of an attention alignment: which source token each output token
// looked at. One row per output token, one column per source token, darker
// where the weight is larger; in the terminal and as an SVG file.
#pragma once

#include "core/tensor.h"
#include "tutorials/common/svg.h"

#include <string>
#include <vector>

namespace atto::tutorial {

// weights (outputs, sources), rows summing to 1.
void print_alignment(const std::vector<std::string>& source_tokens, const std::vector<std::string>& output_tokens,
                     const Tensor& weights);
Svg alignment_svg(const std::vector<std::string>& source_tokens, const std::vector<std::string>& output_tokens,
                  const Tensor& weights, const std::string& title);

}  // namespace atto::tutorial
