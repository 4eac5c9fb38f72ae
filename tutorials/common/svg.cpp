#include "tutorials/common/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

namespace atto::tutorial {

Svg::Svg(int width, int height) : width_(width), height_(height) {}

void Svg::rect(double x, double y, double w, double h, std::string_view fill, double opacity) {
  body_ += fmt::format("<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\" "
                       "fill-opacity=\"{:.2f}\"/>\n", x, y, w, h, fill, opacity);
}

void Svg::circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke) {
  body_ += fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"{}\" stroke=\"{}\"/>\n", cx, cy, r,
                       fill, stroke);
}

void Svg::polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width) {
  std::string coordinates;
  for (const auto& [x, y] : points) coordinates += fmt::format("{:.2f},{:.2f} ", x, y);
  body_ += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>\n", coordinates,
                       stroke, width);
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width) {
  body_ += fmt::format("<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke=\"{}\" "
                       "stroke-width=\"{}\"/>\n", x1, y1, x2, y2, stroke, width);
}

void Svg::text(double x, double y, std::string_view content, int size, std::string_view anchor, double angle) {
  std::string escaped;
  for (char c : content) {
    switch (c) {
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '&': escaped += "&amp;"; break;
      default: escaped += c;
    }
  }
  const std::string turn = angle != 0 ? fmt::format(" transform=\"rotate({:.1f} {:.2f} {:.2f})\"", angle, x, y) : "";
  body_ += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" font-family=\"sans-serif\" font-size=\"{}\" "
                       "text-anchor=\"{}\"{}>{}</text>\n", x, y, size, anchor, turn, escaped);
}

void Svg::colour_bar(double x, double y, double w, double h, const std::function<std::string(double)>& colour,
                     double low, double high, std::string_view label) {
  constexpr int kSteps = 32;
  for (int i = 0; i < kSteps; ++i) {
    const double t = (i + 0.5) / kSteps;
    rect(x, y + h * (1 - static_cast<double>(i + 1) / kSteps), w, h / kSteps + 0.5, colour(t));
  }
  line(x, y, x, y + h, "black");
  line(x + w, y, x + w, y + h, "black");
  for (int tick = 0; tick <= 4; ++tick) {
    const double ty = y + h * (1 - tick / 4.0);
    line(x + w, ty, x + w + 4, ty, "black");
    text(x + w + 6, ty + 4, fmt::format("{:.3g}", low + (high - low) * tick / 4.0), 11);
  }
  text(x + w + 48, y + h / 2, label, 12, "middle", 90);
}

double text_width(std::string_view text, int size) {
  // Count characters, not bytes: UTF-8 continuation bytes start with 10.
  const auto characters = std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; });
  return 0.6 * size * static_cast<double>(characters);
}

std::string Svg::str() const {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n"
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{}</svg>\n",
                     width_, height_, width_, height_, body_);
}

void Svg::save(const std::string& path) const {
  std::ofstream file(path, std::ios::trunc);
  file << str();
  if (!file.flush()) throw std::runtime_error(fmt::format("Svg: cannot write '{}'", path));
}

Svg line_chart(const std::vector<double>& ys, std::string_view title, std::string_view x_label,
               std::string_view y_label) {
  constexpr int kHeight = 400, kLeft = 80, kRight = 30, kTop = 40, kBottom = 56;
  const int width = std::max(640, static_cast<int>(text_width(title, 16)) + 40);
  Svg svg(width, kHeight);
  svg.text(width / 2.0, 24, title, 16, "middle");
  const double low = ys.empty() ? 0 : *std::min_element(ys.begin(), ys.end());
  const double high = ys.empty() ? 1 : *std::max_element(ys.begin(), ys.end());
  const double span = high > low ? high - low : 1;
  const double plot_w = width - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  svg.line(kLeft, kTop, kLeft, kTop + plot_h, "black");
  svg.line(kLeft, kTop + plot_h, kLeft + plot_w, kTop + plot_h, "black");
  for (int tick = 0; tick <= 4; ++tick) {  // y: the value range in quarters
    const double y = kTop + plot_h * (1 - tick / 4.0);
    svg.line(kLeft - 4, y, kLeft, y, "black");
    svg.text(kLeft - 7, y + 4, fmt::format("{:.3g}", low + span * tick / 4.0), 12, "end");
  }
  const std::size_t n = std::max<std::size_t>(ys.size(), 1);
  for (int tick = 0; tick <= 4; ++tick) {  // x: 1 to n
    const double at = 1 + std::round((static_cast<double>(n) - 1) * tick / 4.0);
    const double x = kLeft + plot_w * (n > 1 ? (at - 1) / static_cast<double>(n - 1) : 0);
    svg.line(x, kTop + plot_h, x, kTop + plot_h + 4, "black");
    svg.text(x, kTop + plot_h + 18, fmt::format("{}", at), 12, "middle");
  }
  svg.text(kLeft + plot_w / 2, kHeight - 12, x_label, 13, "middle");
  svg.text(22, kTop + plot_h / 2, y_label, 13, "middle", -90);
  std::vector<std::pair<double, double>> points;
  for (size_t i = 0; i < ys.size(); ++i) {
    const double x = kLeft + plot_w * (ys.size() > 1 ? static_cast<double>(i) / (ys.size() - 1) : 0);
    points.emplace_back(x, kTop + plot_h * (1 - (ys[i] - low) / span));
  }
  svg.polyline(points, "#1f77b4");
  return svg;
}

}  // namespace atto::tutorial
