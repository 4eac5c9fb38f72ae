// A very small SVG writer for the tutorials' pictures: rectangles, circles,
// lines and text in pixel coordinates, saved as a standalone .svg file that
// any browser opens. No plotting library needed.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atto::tutorial {

class Svg {
 public:
  Svg(int width, int height);

  void rect(double x, double y, double w, double h, std::string_view fill, double opacity = 1);
  void circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke = "none");
  void polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width = 2);
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1);
  // Text is escaped for XML; angle turns it (degrees, clockwise) around (x, y).
  void text(double x, double y, std::string_view text, int size = 14, std::string_view anchor = "start",
            double angle = 0);
  // A vertical colour bar, w x h at (x, y): colour(t) for t from 0 (bottom,
  // labelled `low`) to 1 (top, `high`), with `label` turned along its right
  // side. It needs about w + 60 pixels of width.
  void colour_bar(double x, double y, double w, double h, const std::function<std::string(double)>& colour,
                  double low, double high, std::string_view label);

  std::string str() const;
  // Throws std::runtime_error when the file cannot be written.
  void save(const std::string& path) const;

 private:
  int width_, height_;
  std::string body_;
};

// About how wide a line of sans-serif text is, in pixels: 0.6 of the font
// size per character. Pictures size themselves with it so that no title or
// label is cut off.
double text_width(std::string_view text, int size);

// A line chart of ys against 1..n with axes, ticks, a title and labels.
Svg line_chart(const std::vector<double>& ys, std::string_view title, std::string_view x_label,
               std::string_view y_label);

}  // namespace atto::tutorial
