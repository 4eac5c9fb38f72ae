#include "core/format.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace atto {

namespace {

constexpr Index kSummariseAbove = 1000;  // elements
constexpr Index kEdgeItems = 3;          // shown at each end of a long axis

// One style for every element, so that columns line up: integers when all
// values are whole, fixed point for moderate magnitudes, scientific otherwise.
struct Style {
  bool whole = true;
  bool scientific = false;
  size_t width = 0;

  std::string text(Real v) const {
    if (std::isnan(v)) return "nan";  // the sign of a NaN means nothing
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) v = 0;  // -0 prints as 0
    if (whole) return fmt::format("{:.0f}", v);
    return scientific ? fmt::format("{:.4e}", v) : fmt::format("{:.4f}", v);
  }
};

Style choose_style(const Tensor& t) {
  Style style;
  Real largest = 0, smallest = INFINITY, lowest = 0, highest = 0;
  bool non_finite = false;
  for (Index i = 0; i < t.numel(); ++i) {
    const Real v = t.data()[i];
    if (!std::isfinite(v)) {
      non_finite = true;
      continue;
    }
    style.whole = style.whole && v == std::round(v) && std::abs(v) < 1e9;
    const Real a = std::abs(v);
    largest = std::max(largest, a);
    if (a > 0) smallest = std::min(smallest, a);
    lowest = std::min(lowest, v);
    highest = std::max(highest, v);
  }
  style.scientific = !style.whole && (largest >= 1e5 || (smallest < 1e-4 && largest > 0));
  // The widest text belongs to an extreme value (or to "-inf").
  for (Real v : {lowest, highest, style.scientific ? smallest : Real(0)}) {
    style.width = std::max(style.width, style.text(v).size());
  }
  if (non_finite) style.width = std::max<size_t>(style.width, 4);
  return style;
}

// Indices shown along an axis of size n, with -1 standing for "...".
std::vector<Index> shown_indices(Index n, bool summarise) {
  std::vector<Index> shown;
  if (!summarise || n <= 2 * kEdgeItems) {
    for (Index i = 0; i < n; ++i) shown.push_back(i);
    return shown;
  }
  for (Index i = 0; i < kEdgeItems; ++i) shown.push_back(i);
  shown.push_back(-1);
  for (Index i = n - kEdgeItems; i < n; ++i) shown.push_back(i);
  return shown;
}

void write_axis(std::string& out, const Tensor& t, const Style& style, bool summarise, int axis, Index offset,
                size_t indent) {
  const Index n = t.shape()[axis];
  const Index stride = contiguous_strides(t.shape())[axis];
  out += '[';
  bool first = true;
  for (Index i : shown_indices(n, summarise)) {
    if (!first) {
      if (axis == t.rank() - 1) {
        out += ", ";
      } else {
        out += ',';
        out.append(static_cast<size_t>(t.rank() - axis - 1), '\n');
        out.append(indent + 1, ' ');
      }
    }
    first = false;
    if (i < 0) {
      out += "...";
    } else if (axis == t.rank() - 1) {
      out += fmt::format("{:>{}}", style.text(t.data()[offset + i]), style.width);
    } else {
      write_axis(out, t, style, summarise, axis + 1, offset + i * stride, indent + 1);
    }
  }
  out += ']';
}

}  // namespace

std::string to_string(const Tensor& t) {
  const Style style = choose_style(t);
  std::string out = "tensor(";
  if (t.rank() == 0) {
    out += style.text(t.data()[0]);
  } else {
    write_axis(out, t, style, t.numel() > kSummariseAbove, 0, 0, out.size());
  }
  out += fmt::format(")  shape={}", t.shape());
  return out;
}

}  // namespace atto
