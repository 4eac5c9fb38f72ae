#include "autograd/jacobian_picture.h"

#include "core/errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

namespace atto {

namespace {

constexpr double kPanelSize = 240, kGap = 36, kLeft = 70, kTitle = 70;

// Blue for negative, white for 0, red for positive; t in [-1, 1].
std::string diverging(double t) {
  const int fade = static_cast<int>(std::lround(255 * (1 - std::min(std::abs(t), 1.0))));
  return t >= 0 ? fmt::format("rgb(255,{0},{0})", fade) : fmt::format("rgb({0},{0},255)", fade);
}

std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

struct Canvas {
  std::string body;
  void rect(double x, double y, double w, double h, const std::string& fill, const char* stroke = "none") {
    body += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" stroke=\"{}\"/>\n",
                        x, y, w, h, fill, stroke);
  }
  void text(double x, double y, std::string_view content, int size, const char* anchor = "start", int angle = 0) {
    const std::string turn = angle ? fmt::format(" transform=\"rotate({} {:.1f} {:.1f})\"", angle, x, y) : "";
    body += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-family=\"sans-serif\" font-size=\"{}\" "
                        "text-anchor=\"{}\"{}>{}</text>\n", x, y, size, anchor, turn, escaped(content));
  }
  // A vertical scale from -limit (bottom) to +limit (top), its three ticks
  // labelled top, middle, bottom.
  // Returns the width it took: the bar, its tick labels (about 6 px a
  // character at size 10), and its title turned on its side beyond them.
  double colour_bar(double x, double y, double h, const std::array<std::string, 3>& ticks, std::string_view label) {
    for (int i = 0; i < 40; ++i) rect(x, y + h * i / 40.0, 12, h / 40.0 + 0.5, diverging(1 - (i + 0.5) / 20.0));
    std::size_t longest = 0;
    for (int tick = 0; tick <= 2; ++tick) {
      text(x + 16, y + h * tick / 2.0 + 4, ticks[static_cast<std::size_t>(tick)], 10);
      longest = std::max(longest, ticks[static_cast<std::size_t>(tick)].size());
    }
    const double title_x = x + 16 + 6.0 * static_cast<double>(longest) + 10;
    text(title_x, y + h / 2, label, 11, "middle", 90);
    return title_x + 10 - x;
  }
};

// Lines of at most `width` characters, broken at spaces.
std::vector<std::string> wrapped(const std::string& text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > width) lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string jacobian_svg(const GradcheckResult& result) {
  if (result.analytic_jacobian.empty()) {
    throw_argument_error("jacobian_svg", "gradcheck {} has no Jacobians to draw ({})", result.op, result.failure);
  }
  const Index outputs = result.output_shape.numel();
  const std::string diagnosis = result.passed ? "the check passed" : result.diagnosis();
  const std::vector<std::string> lines = wrapped(diagnosis.empty() ? result.failure : diagnosis, 110);
  const double top = kTitle + 16.0 * static_cast<double>(lines.size());
  Canvas canvas;
  const std::string title =
      fmt::format("gradcheck {}: {}, output {}", result.op, result.passed ? "PASS" : "FAIL", result.output_shape);
  canvas.text(12, 24, title, 16);
  for (std::size_t l = 0; l < lines.size(); ++l) canvas.text(12, 48 + 16.0 * static_cast<double>(l), lines[l], 12);
  double y = top;
  double width = 0;
  for (std::size_t i = 0; i < result.analytic_jacobian.size(); ++i) {
    const std::vector<double>& a = result.analytic_jacobian[i];
    const std::vector<double>& n = result.numeric_jacobian[i];
    const Index elements = result.input_shapes[i].numel();
    const double cell = std::clamp(kPanelSize / static_cast<double>(std::max<Index>({elements, outputs, 1})), 2.0, 24.0);
    const double panel_w = cell * static_cast<double>(elements), panel_h = cell * static_cast<double>(outputs);
    // The difference is drawn against the check's own tolerance, entry by
    // entry: white at zero, full colour at the tolerance and beyond, so
    // rounding noise of a right backward stays white and a wrong entry
    // stands out however small the Jacobian.
    double scale = 0;
    std::vector<std::size_t> beyond;  // the entries that fail the check, all outlined
    for (std::size_t k = 0; k < a.size(); ++k) {
      scale = std::max({scale, std::abs(a[k]), std::abs(n[k])});
      if (!result.options.accepts(a[k], n[k])) beyond.push_back(k);
    }
    scale = scale > 0 ? scale : 1;
    double panels_right = 0;
    const char* names[] = {"analytic (your backward)", "numeric (central differences)", "analytic - numeric"};
    for (int panel = 0; panel < 3; ++panel) {
      const double x = kLeft + panel * (std::max(panel_w, 150.0) + kGap);
      canvas.text(x, y + 14, names[panel], 12);
      for (Index out = 0; out < outputs; ++out) {
        for (Index e = 0; e < elements; ++e) {
          const auto k = static_cast<std::size_t>(out * elements + e);
          const double shade = panel == 0   ? a[k] / scale
                               : panel == 1 ? n[k] / scale
                                            : (a[k] - n[k]) / result.options.tolerance(n[k]);
          canvas.rect(x + cell * static_cast<double>(e), y + 22 + cell * static_cast<double>(out), cell, cell,
                      diverging(std::isnan(shade) ? 1 : std::clamp(shade, -1.0, 1.0)));
        }
      }
      if (panel != 1) {
        for (const std::size_t k : beyond) {
          const auto out = static_cast<double>(static_cast<Index>(k) / elements);
          const auto e = static_cast<double>(static_cast<Index>(k) % elements);
          canvas.rect(x + cell * e, y + 22 + cell * out, cell, cell, "none", "black");
        }
      }
      panels_right = x + std::max(panel_w, 150.0);
    }
    const std::string columns =
        fmt::format("columns: the {} elements of input {} {}{}", elements, i, result.input_shapes[i],
                    beyond.empty() ? "; every entry within tolerance"
                                   : fmt::format("; outlined: the {} entries beyond tolerance", beyond.size()));
    canvas.text(kLeft, y + 22 + panel_h + 16, columns, 11);
    width = std::max(width, kLeft + 6.6 * static_cast<double>(columns.size()));
    canvas.text(kLeft - 10, y + 22 + panel_h / 2, fmt::format("rows: output {}", result.output_shape), 11, "middle", -90);
    const double bar_x = panels_right + 24, bar_h = std::max(panel_h, 80.0);
    const double second_x = bar_x + 12 + canvas.colour_bar(bar_x, y + 22, bar_h, {fmt::format("{:.3g}", scale), "0",
                                                               fmt::format("{:.3g}", -scale)}, "Jacobian entry");
    width = std::max(width, second_x + canvas.colour_bar(second_x, y + 22, bar_h, {"+tolerance", "0", "-tolerance"},
                                                         "difference / tolerance"));
    y += 22 + std::max(panel_h, 80.0) + 40;
  }
  width = std::max(width, 24 + 9.6 * static_cast<double>(title.size()));
  for (const std::string& line : lines) width = std::max(width, 24 + 7.2 * static_cast<double>(line.size()));
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                     "viewBox=\"0 0 {0:.0f} {1:.0f}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{2}</svg>\n",
                     std::ceil(width + 12), std::ceil(y), canvas.body);
}

void write_jacobian_picture(const GradcheckResult& result, const std::string& path) {
  std::ofstream file(path, std::ios::trunc);
  file << jacobian_svg(result);
  if (!file.flush()) throw IOError(fmt::format("write_jacobian_picture: cannot write '{}'", path));
}

}  // namespace atto
