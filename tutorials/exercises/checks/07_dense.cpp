// Grades exercise 7: parameters and their names, the initialisation, the
// forward and the gradients against the library's Dense, the error, and a
// two-layer network of yours learning XOR.
#include "tutorials/exercises/07_dense.h"
#include "tutorials/exercises/checks/library_dense.h"
#include "tutorials/exercises/grading.h"

#include "nn/optim.h"

#include <fmt/format.h>

#include <cmath>

using namespace atto;
using namespace atto::exercise;

namespace {

std::string parameters_named_right(MyDense& layer, Index in, Index units) {
  const auto params = layer.named_parameters();
  if (params.size() != 2) return fmt::format("register 2 parameters (kernel, bias); you registered {}", params.size());
  if (params[0].first != "kernel" || params[1].first != "bias") {
    return fmt::format("name them \"kernel\" then \"bias\"; yours are \"{}\", \"{}\"", params[0].first, params[1].first);
  }
  if (!(params[0].second.shape() == Shape{in, units}) || !(params[1].second.shape() == Shape{units})) {
    return fmt::format("kernel should be ({},{}) and bias ({}); yours are {} and {}", in, units, units,
                       params[0].second.shape(), params[1].second.shape());
  }
  if (!params[0].second.requires_grad() || !params[1].second.requires_grad()) {
    return std::string("both must be trainable: Var(tensor, true)");
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 7: the Dense layer");
  grader.check("two trainable parameters, kernel (4,3) and bias (3)", [] {
    Generator gen(1);
    MyDense layer(4, 3, gen);
    return parameters_named_right(layer, 4, 3);
  });
  grader.check("glorot_uniform kernel, zero bias", [] {
    Generator gen(2);
    MyDense layer(50, 30, gen);
    const auto params = layer.named_parameters();
    const Real limit = std::sqrt(Real(6) / 80), largest = max(abs(params.at(0).second.value())).item();
    if (largest > limit) return fmt::format("a kernel value of {:.4f} is beyond the limit {:.4f}", largest, limit);
    if (largest < 0.9 * limit) return fmt::format("the largest kernel value {:.4f} is far below the limit {:.4f}", largest, limit);
    if (std::abs(mean(params.at(0).second.value()).item()) > 0.02) return std::string("the kernel is not centred on 0");
    return compare("the bias", params.at(1).second.value(), zeros({30}));
  });
  grader.check("forward against the library's Dense, on (5,4) and (2,3,4) inputs", [] {
    Generator gen(3);
    MyDense layer(4, 3, gen);
    layer.named_parameters().at(1).second.mutable_value().fill(0.25);
    const std::unique_ptr<Dense> reference = library_dense(layer);
    for (const Shape& shape : {Shape{5, 4}, Shape{2, 3, 4}}) {
      const Tensor x = gen.normal(shape);
      const std::string wrong = compare(fmt::format("the output for a {} input", shape), layer(Var(x)).value(),
                                        (*reference)(Var(x)).value());
      if (!wrong.empty()) return wrong;
    }
    return std::string();
  });
  grader.check("an input of the wrong size throws a ShapeError naming it", [] {
    Generator gen(4);
    MyDense layer(4, 3, gen);
    try {
      (void)layer(Var(zeros({2, 5})));
    } catch (const ShapeError& e) {
      const std::string message = e.what();
      if (message.find("(2,5)") == std::string::npos) return fmt::format("the message \"{}\" does not name the shape (2,5)", message);
      return std::string();
    }
    return std::string("a (2,5) input into a 4-feature layer did not throw a ShapeError");
  });
  grader.check("gradients of the kernel, the bias and the input against the library's", [] {
    Generator gen(5);
    MyDense layer(4, 3, gen);
    const std::unique_ptr<Dense> reference = library_dense(layer);
    const Tensor upstream = gen.normal({2, 3, 3});
    Var x(gen.normal({2, 3, 4}), true), x_again(x.value().clone(), true);
    layer(x).backward(upstream);
    (*reference)(x_again).backward(upstream);
    const auto yours = layer.named_parameters(), library = reference->named_parameters();
    std::string wrong = compare("the kernel's gradient", yours[0].second.grad(), library[0].second.grad());
    if (wrong.empty()) wrong = compare("the bias's gradient", yours[1].second.grad(), library[1].second.grad());
    return wrong.empty() ? compare("the input's gradient", x.grad(), x_again.grad()) : wrong;
  });
  grader.check("two of your layers with a tanh between them learn XOR", [] {
    Generator gen(6);
    MyDense hidden(2, 8, gen), output(8, 1, gen);
    std::vector<Var> params;
    for (Module* m : {static_cast<Module*>(&hidden), static_cast<Module*>(&output)}) {
      for (const Var& p : m->parameters()) params.push_back(p);
    }
    Adam adam(params, {0.05});
    const Tensor x = tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}}), y = tensor({{0}, {1}, {1}, {0}});
    Real loss_value = 0;
    for (int step = 0; step < 300; ++step) {
      const Var loss = mean(pow(output(atto::tanh(hidden(Var(x)))) - Var(y), 2));
      adam.zero_grad();
      loss.backward();
      adam.step();
      loss_value = loss.value().item();
    }
    return loss_value < 0.01 ? std::string() : fmt::format("after 300 Adam steps the loss is {:.4f}, not below 0.01", loss_value);
  });
  return grader.finish();
}
