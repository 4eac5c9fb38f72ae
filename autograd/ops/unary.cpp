// exp, log, tanh, sigmoid, relu: x -> same shape.
//
// Each backward is one fused elementwise pass, written in terms of the saved
// input x or the saved output y, whichever makes the derivative simplest.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "core/elementwise.h"
#include "core/map.h"

namespace atto {

Var exp(const Var& x) {
  Tensor y = atto::exp(x.value());
  return record("exp", y, {x}, [y](const Tensor& g) -> Grads {
    // y = exp(x)  ->  dx = g * y
    return {atto::mul(g, y)};
  });
}

Var log(const Var& x) {
  return record("log", atto::log(x.value()), {x}, [x = x.value()](const Tensor& g) -> Grads {
    // y = log(x)  ->  dx = g / x
    return {atto::div(g, x)};
  });
}

Var tanh(const Var& x) {
  Tensor y = atto::tanh(x.value());
  return record("tanh", y, {x}, [y](const Tensor& g) -> Grads {
    // y = tanh(x)  ->  dx = g * (1 - y^2)
    return {map("tanh", y, g, [](Real yv, Real gv) { return gv * (1 - yv * yv); })};
  });
}

Var sigmoid(const Var& x) {
  Tensor y = atto::sigmoid(x.value());
  return record("sigmoid", y, {x}, [y](const Tensor& g) -> Grads {
    // y = sigmoid(x)  ->  dx = g * y * (1 - y)
    return {map("sigmoid", y, g, [](Real yv, Real gv) { return gv * yv * (1 - yv); })};
  });
}

Var relu(const Var& x) {
  return record("relu", atto::relu(x.value()), {x}, [x = x.value()](const Tensor& g) -> Grads {
    // y = max(x, 0)  ->  dx = g where x > 0, else 0
    return {map("relu", x, g, [](Real xv, Real gv) { return xv > 0 ? gv : Real(0); })};
  });
}

}  // namespace atto
