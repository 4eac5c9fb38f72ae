// add, sub, mul, div, neg, pow, and the operators built on them.
//
// Binary ops broadcast. Whatever the forward repeated, the backward sums back:
// sum_to(g, shape) turns the gradient of the broadcast result into the
// gradient of the operand (core/reduce.h). It is the one place that rule lives.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/elementwise.h"
#include "core/map.h"
#include "core/reduce.h"

#include <cmath>

namespace atto {

// (...a) + (...b) -> broadcast(a, b)
Var add(const Var& a, const Var& b) {
  return record("add", atto::add(a.value(), b.value()), {a, b},
                [sa = a.shape(), sb = b.shape()](const Tensor& g) -> Grads {
                  // out = a + b  ->  da = g, db = g (summed over broadcast dims)
                  return {sum_to(g, sa), sum_to(g, sb)};
                });
}

// (...a) - (...b) -> broadcast(a, b)
Var sub(const Var& a, const Var& b) {
  return record("sub", atto::sub(a.value(), b.value()), {a, b},
                [sa = a.shape(), sb = b.shape()](const Tensor& g) -> Grads {
                  // out = a - b  ->  da = g, db = -g
                  return {sum_to(g, sa), sum_to(atto::neg(g), sb)};
                });
}

// (...a) * (...b) -> broadcast(a, b)
Var mul(const Var& a, const Var& b) {
  return record("mul", atto::mul(a.value(), b.value()), {a, b},
                [a = a.value(), b = b.value()](const Tensor& g, const std::vector<bool>& needs) -> Grads {
                  // out = a * b  ->  da = g * b, db = g * a
                  return {needs[0] ? sum_to(atto::mul(g, b), a.shape()) : Tensor(),
                          needs[1] ? sum_to(atto::mul(g, a), b.shape()) : Tensor()};
                });
}

// (...a) / (...b) -> broadcast(a, b)
Var div(const Var& a, const Var& b) {
  return record("div", atto::div(a.value(), b.value()), {a, b},
                [a = a.value(), b = b.value()](const Tensor& g, const std::vector<bool>& needs) -> Grads {
                  // out = a / b  ->  da = g / b, db = -g * a / b^2
                  Tensor db;
                  if (needs[1]) {
                    db = sum_to(map("div", atto::mul(g, a), b, [](Real ga, Real y) { return -ga / (y * y); }),
                                b.shape());
                  }
                  return {needs[0] ? sum_to(atto::div(g, b), a.shape()) : Tensor(), db};
                });
}

// x -> same shape
Var neg(const Var& x) {
  return record("neg", atto::neg(x.value()), {x}, [](const Tensor& g) -> Grads {
    // out = -x  ->  dx = -g
    return {atto::neg(g)};
  });
}

// x -> same shape
Var pow(const Var& x, Real exponent) {
  return record("pow", atto::pow(x.value(), exponent), {x}, [x = x.value(), exponent](const Tensor& g) -> Grads {
    // out = x^p  ->  dx = g * p * x^(p-1)
    return {map("pow", x, g, [exponent](Real v, Real gv) { return gv * exponent * std::pow(v, exponent - 1); })};
  });
}

Var operator+(const Var& a, const Var& b) { return add(a, b); }
Var operator-(const Var& a, const Var& b) { return sub(a, b); }
Var operator*(const Var& a, const Var& b) { return mul(a, b); }
Var operator/(const Var& a, const Var& b) { return div(a, b); }
Var operator-(const Var& x) { return neg(x); }
// A Real operand is a constant: a rank-0 leaf that needs no gradient.
Var operator+(const Var& a, Real b) { return add(a, Var(scalar(b))); }
Var operator-(const Var& a, Real b) { return sub(a, Var(scalar(b))); }
Var operator*(const Var& a, Real b) { return mul(a, Var(scalar(b))); }
Var operator/(const Var& a, Real b) { return div(a, Var(scalar(b))); }
Var operator+(Real a, const Var& b) { return add(Var(scalar(a)), b); }
Var operator-(Real a, const Var& b) { return sub(Var(scalar(a)), b); }
Var operator*(Real a, const Var& b) { return mul(Var(scalar(a)), b); }
Var operator/(Real a, const Var& b) { return div(Var(scalar(a)), b); }

}  // namespace atto
