// A failed gradient check, read: the diagnosis names the pattern of the
// mistake, and the picture shows the Jacobians side by side.
#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace atto;

namespace {

// x * w with a backward for x whose mistake is `mistake` applied to the right gradient.
template <class Mistake>
GradcheckResult check_with(Mistake mistake, const std::vector<Tensor>& inputs) {
  return gradcheck("matmul_with_mistake", [&](const std::vector<Var>& v) {
    const Tensor y = matmul(v[0].value(), v[1].value());
    return record("matmul_with_mistake", "C = A B  ->  dA = G B^T, dB = A^T G, with a mistake", y, {v[0], v[1]}, [a = v[0].value(), b = v[1].value(), mistake](const Tensor& g) -> Grads {
      return {mistake(matmul(g, b, Transpose::b)), matmul(a, g, Transpose::a)};
    });
  }, inputs);
}

const std::vector<Tensor> kSquare = {tensor({{0.3, -0.7, 0.2}, {1.1, 0.4, -0.5}, {-0.6, 0.9, 0.8}}),
                                     tensor({{0.5, 0.1, -0.4}, {-0.2, 0.7, 0.3}, {0.6, -0.8, 0.9}})};

bool says(const GradcheckResult& result, const std::string& words) {
  CAPTURE(result.diagnosis());
  return result.diagnosis().find(words) != std::string::npos;
}

}  // namespace

TEST_CASE("diagnosis: a constant factor, a sign, a transposed block, a missing gradient, a few wrong elements") {
  CHECK(says(check_with([](const Tensor& dx) { return dx * Real(2); }, kSquare),
             "your gradient for input 0 (3,3) is 2x too large everywhere"));
  CHECK(says(check_with([](const Tensor& dx) { return dx * Real(0.5); }, kSquare), "is 1/2x of the right one"));
  CHECK(says(check_with([](const Tensor& dx) { return -dx; }, kSquare), "has the wrong sign everywhere"));
  CHECK(says(check_with([](const Tensor& dx) { return transpose(dx); }, kSquare),
             "is the transpose of the right one"));
  CHECK(says(check_with([](const Tensor& dx) { return zeros_like(dx); }, kSquare), "is zero where it should not be"));
  CHECK(says(check_with([](const Tensor& dx) {
               Tensor wrong = dx.clone();
               wrong.data()[4] += 1;
               return wrong;
             }, kSquare),
             "is wrong at 1 of its 9 elements (4)"));
  // Only the input that is wrong is named.
  CHECK_FALSE(says(check_with([](const Tensor& dx) { return dx * Real(2); }, kSquare), "input 1"));
  CHECK(check_with([](const Tensor& dx) { return dx; }, kSquare).diagnosis().empty());
}

TEST_CASE("diagnosis: the Jacobian picture holds the three panels, the shapes and the diagnosis") {
  const GradcheckResult result = check_with([](const Tensor& dx) { return dx * Real(2); }, kSquare);
  const std::string svg = jacobian_svg(result);
  CHECK(svg.starts_with("<svg"));
  for (const char* expected : {"analytic (your backward)", "numeric (central differences)", "analytic - numeric",
                               "columns: the 9 elements of input 0 (3,3)", "rows: output (3,3)", "2x too large"}) {
    CAPTURE(expected);
    CHECK(svg.find(expected) != std::string::npos);
  }
  GradcheckResult threw;
  threw.op = "nothing";
  threw.failure = "forward threw: no";
  CHECK_THROWS_AS((void)jacobian_svg(threw), ArgumentError);
  CHECK_THROWS_AS(write_jacobian_picture(result, "/no/such/folder/j.svg"), IOError);
}

namespace {

// The fills of the cells of one panel of the first input's row of panels
// (panels are drawn in order, analytic, numeric, difference, cell by cell;
// outlines are rects without fill).
std::vector<std::string> panel_fills(const std::string& svg, int panel, std::size_t cells) {
  std::vector<std::string> fills;
  std::size_t at = svg.find("analytic (your backward)");
  while ((at = svg.find("<rect ", at + 1)) != std::string::npos && fills.size() < cells * (panel + 1)) {
    const std::size_t fill = svg.find("fill=\"", at) + 6;
    const std::string colour = svg.substr(fill, svg.find('"', fill) - fill);
    if (colour != "none") fills.push_back(colour);
  }
  return {fills.end() - static_cast<std::ptrdiff_t>(cells), fills.end()};
}

}  // namespace

TEST_CASE("Jacobian picture: the difference is drawn against the tolerance; exactly the entries beyond it outlined") {
  // A right backward: rounding leaves differences near 1e-10, a millionth of
  // the tolerance, so the difference panel is white, with no outline.
  const GradcheckResult right = check_with([](const Tensor& dx) { return dx; }, kSquare);
  REQUIRE(right.passed);
  REQUIRE(right.max_abs_error > 0);
  const std::string right_svg = jacobian_svg(right);
  for (const std::string& fill : panel_fills(right_svg, 2, 81)) CHECK(fill == "rgb(255,255,255)");
  CHECK(right_svg.find("stroke=\"black\"") == std::string::npos);
  CHECK(right.report().find("beyond tolerance") == std::string::npos);

  // One wrong element of the gradient: the report counts its entries, the
  // picture outlines them in the analytic and difference panels, and they
  // are the only full-colour cells.
  const GradcheckResult one_wrong = check_with([](const Tensor& dx) {
    Tensor wrong = dx.clone();
    wrong.data()[4] += 1;
    return wrong;
  }, kSquare);
  CHECK(one_wrong.entries_beyond == 9);  // the wrong element, in the gradient of each of the 9 outputs
  CHECK(one_wrong.report().find("9 of 162 entries beyond tolerance") != std::string::npos);
  const std::string svg = jacobian_svg(one_wrong);
  std::size_t outlines = 0;
  for (std::size_t at = 0; (at = svg.find("stroke=\"black\"", at + 1)) != std::string::npos;) ++outlines;
  CHECK(outlines == 2 * 9);
  int full = 0;
  for (const std::string& fill : panel_fills(svg, 2, 81)) full += fill == "rgb(255,0,0)" || fill == "rgb(0,0,255)";
  CHECK(full == 9);
  CHECK(svg.find("outlined: the 9 entries beyond tolerance") != std::string::npos);
}
