// Grades exercise 5: the order's properties, a variable used twice, a
// diamond, a 100,000-node chain, and a neuron against attograd's own backward.
#include "tutorials/exercises/05_backward_order.h"
#include "tutorials/exercises/grading.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

using namespace atto;
using namespace atto::exercise;

namespace {

std::string near(const std::string& what, double got, double want) {
  if (std::abs(got - want) <= 1e-12 * std::max(1.0, std::abs(want))) return "";
  return fmt::format("{} is {}, it should be {}", what, got, want);
}

// Owns a deep chain and frees it from the root down, one node at a time, so
// that freeing it never recurses 100,000 destructors deep (even when the
// learner's backward throws).
struct Chain {
  ScalarPtr root;
  ~Chain() {
    while (root && !root->parents.empty()) root = ScalarPtr(root->parents.front().first);
  }
};

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 5: backward in topological order, gradients added up");
  grader.check("the order: root first, every node once, each node before its parents", [] {
    const ScalarPtr a = leaf(2), b = leaf(3), c = a * b, d = c + a, e = d * c;
    const std::vector<Scalar*> order = topological_order(*e);
    if (order.size() != 5) return fmt::format("the graph has 5 nodes, your order has {}", order.size());
    if (order.front() != e.get()) return std::string("the root must come first");
    std::map<Scalar*, std::size_t> position;
    for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
    if (position.size() != 5) return std::string("a node appears twice in your order");
    for (Scalar* node : order) {
      for (const auto& [parent, local] : node->parents) {
        if (position.at(parent.get()) < position.at(node)) {
          return fmt::format("a parent (value {}) comes before a node made from it (value {})", parent->value,
                             node->value);
        }
      }
    }
    return std::string();
  });
  grader.check("a variable used twice: d(x * x)/dx = 2x", [] {
    const ScalarPtr x = leaf(3), y = x * x;
    backward(*y);
    return near("d(x*x)/dx at x = 3", x->grad, 6);
  });
  grader.check("a diamond: y = (x + x*w) * (x*w), every path to x added", [] {
    const ScalarPtr x = leaf(1.5), w = leaf(-2), xw = x * w, y = (x + xw) * xw;
    backward(*y);
    // y = x^2 w + x^2 w^2: dy/dx = 2 x w + 2 x w^2, dy/dw = x^2 + 2 x^2 w.
    const std::string dx = near("dy/dx", x->grad, 2 * 1.5 * -2 + 2 * 1.5 * 4);
    return dx.empty() ? near("dy/dw", w->grad, 2.25 + 2 * 2.25 * -2) : dx;
  });
  grader.check("backward twice gives the same gradients (no leftovers from the first)", [] {
    const ScalarPtr x = leaf(0.5), y = tanh(x * x);
    backward(*y);
    backward(*y);
    return near("dy/dx after two backwards", x->grad, (1 - std::pow(std::tanh(0.25), 2)) * 2 * 0.5);
  });
  grader.check("a neuron tanh(w1 x1 + w2 x2 + b) against attograd's backward", [] {
    const double values[] = {2.0, 0.0, -3.0, 1.0, 6.8813735870195432};
    const ScalarPtr x1 = leaf(values[0]), x2 = leaf(values[1]), w1 = leaf(values[2]), w2 = leaf(values[3]),
                    b = leaf(values[4]);
    const ScalarPtr out = tanh(w1 * x1 + w2 * x2 + b);
    backward(*out);
    std::vector<Var> vars;
    for (double v : values) vars.emplace_back(full({1}, v), true);
    atto::tanh(vars[2] * vars[0] + vars[3] * vars[1] + vars[4]).backward(ones({1}));
    const ScalarPtr leaves[] = {x1, x2, w1, w2, b};
    const char* names[] = {"x1", "x2", "w1", "w2", "b"};
    for (int i = 0; i < 5; ++i) {
      const std::string wrong = near(fmt::format("d out / d {}", names[i]), leaves[i]->grad, vars[i].grad().item());
      if (!wrong.empty()) return wrong;
    }
    return std::string();
  });
  grader.check("a chain 100,000 nodes deep (a recursive search overflows the stack here: it crashes)", [] {
    const ScalarPtr x = leaf(1), one = leaf(1);
    Chain chain{x};
    for (int i = 0; i < 100000; ++i) chain.root = chain.root * one;
    backward(*chain.root);
    return near("dy/dx through the chain", x->grad, 1);
  });
  return grader.finish();
}
