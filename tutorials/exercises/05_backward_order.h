// Exercise 5: backward over a whole graph, in the right order, adding up.
//
// Scalar is a micrograd-sized node: a value, a gradient, and the nodes it
// was made from, each with the local derivative d(this)/d(parent). Backward
// from a root:
//   1. order the nodes so that every node comes after all the nodes made
//      from it (reverse topological order: the root first, leaves last);
//   2. set root.grad = 1, then for each node in that order, for each parent
//      p with local derivative d:  p.grad += node.grad * d.
// Two classic bugs to avoid: visiting a node before every node that uses it
// has handed back its gradient, and writing `=` instead of `+=` (x * x then
// gets dx = x instead of 2x: the "variable used twice" bug). The graph can be
// 100,000 nodes deep: a recursive depth-first search would overflow the
// stack, so keep your own stack.
#pragma once

#include "tutorials/exercises/exercise.h"

#include <cmath>
#include <memory>
#include <utility>
#include <vector>

namespace atto::exercise {

struct Scalar;
using ScalarPtr = std::shared_ptr<Scalar>;

struct Scalar {
  double value = 0, grad = 0;
  std::vector<std::pair<ScalarPtr, double>> parents;  // (parent, d this / d parent)
};

// The ops, written for you: each records its local derivatives.
inline ScalarPtr leaf(double value) { return std::make_shared<Scalar>(Scalar{value, 0, {}}); }
inline ScalarPtr operator+(const ScalarPtr& a, const ScalarPtr& b) {
  return std::make_shared<Scalar>(Scalar{a->value + b->value, 0, {{a, 1.0}, {b, 1.0}}});
}
inline ScalarPtr operator*(const ScalarPtr& a, const ScalarPtr& b) {
  return std::make_shared<Scalar>(Scalar{a->value * b->value, 0, {{a, b->value}, {b, a->value}}});
}
inline ScalarPtr tanh(const ScalarPtr& a) {
  const double y = std::tanh(a->value);
  return std::make_shared<Scalar>(Scalar{y, 0, {{a, 1 - y * y}}});
}

// Every node reachable from root, root first, each node before its parents.
std::vector<Scalar*> topological_order(Scalar& root);
// Sets every reachable node's grad to d root / d node.
void backward(Scalar& root);

}  // namespace atto::exercise
