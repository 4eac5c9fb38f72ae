// An op added from outside the library, as docs/extending.md ("Outside the
// library") tells a learner to: its own file, built against the installed
// library with `pkg-config --cflags --libs attograd-f64`, registered for
// gradient checks, and run through the same table as the built-in ops:
//
//   c++ -std=c++20 softplus.cpp $(pkg-config --cflags --libs attograd-f64) -o softplus
//   ./softplus --op softplus
#include "autograd/autograd.h"

#include <cmath>

// softplus: x -> same shape
//   y = log(1 + exp(x))
atto::Var softplus(const atto::Var& x) {
  atto::Tensor y = atto::map(x.value(), [](atto::Real v) { return v > 20 ? v : std::log1p(std::exp(v)); });
  return atto::record("softplus", y, {x}, [x = x.value()](const atto::Tensor& g) -> atto::Grads {
    // y = log(1 + exp(x))  ->  dx = g * sigmoid(x)
    return {atto::mul(g, atto::sigmoid(x))};
  });
}

int main(int argc, char** argv) {
  atto::register_op_check({"softplus", {{3, 4}}, [](const std::vector<atto::Var>& v) { return softplus(v[0]); }});
  return atto::gradcheck_main(argc, argv);
}
