// A reference fixture written by generate.py with PyTorch: inputs,
// parameters, options, the outputs PyTorch computed, an upstream gradient for
// every output and the gradients it gives every input and parameter.
//
//   Fixture fixture("add_broadcast");
//   auto inputs = fixture.inputs();                       // Vars that require grad
//   fixture.check({{"y", add(inputs.at("a"), inputs.at("b"))}}, inputs);
//
// check() compares every output, backpropagates sum(output * upstream) and
// compares every gradient the fixture holds; an output or gradient the
// fixture has and the test does not give fails the test, so nothing is
// skipped silently.
#pragma once

#include <map>
#include <string>

#include "nn/module.h"

namespace reference {

using atto::Index;
using atto::Real;
using atto::Tensor;
using atto::Var;

// Precision-dependent: float32 builds get |diff| <= 1e-5 + 1e-4 |ref|;
// double builds must agree to 1e-12 + 1e-10 |ref|.
struct Tolerance {
  double absolute, relative;
};
Tolerance tolerance();

// Fails the current doctest case unless actual matches expected (same shape,
// every element within tolerance), naming the worst element.
void check_close(const Tensor& actual, const Tensor& expected, const std::string& what);

class Fixture {
 public:
  explicit Fixture(const std::string& name);

  const Tensor& tensor(const std::string& name) const;
  bool has(const std::string& name) const { return tensors_.contains(name); }
  bool has_option(const std::string& name) const { return options_.contains(name); }
  Real option(const std::string& name) const;
  Index index_option(const std::string& name) const { return static_cast<Index>(option(name)); }
  bool flag(const std::string& name) const { return option(name) != 0; }

  // Every input.X as a fresh leaf that requires grad, by X.
  std::map<std::string, Var> inputs() const;
  // Copies param.<name> into each of the module's parameters; the fixture
  // must hold exactly the module's parameters.
  void load_parameters(atto::Module& module) const;

  void check(const std::map<std::string, Var>& outputs, const std::map<std::string, Var>& inputs,
             const atto::Module* module = nullptr) const;

 private:
  std::string name_;
  std::map<std::string, Tensor> tensors_;
  std::map<std::string, Real> options_;
};

}  // namespace reference
