#include "fixture.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "autograd/ops.h"

namespace reference {

Tolerance tolerance() {
  if constexpr (sizeof(Real) == sizeof(float)) return {1e-5, 1e-4};
  return {1e-12, 1e-10};
}

void check_close(const Tensor& actual, const Tensor& expected, const std::string& what) {
  CAPTURE(what);
  REQUIRE_MESSAGE(actual.shape() == expected.shape(),
                  fmt::format("shape {}, reference {}", actual.shape(), expected.shape()));
  const Tolerance tol = tolerance();
  Index worst = -1;
  double worst_excess = 0, worst_diff = 0;
  for (Index i = 0; i < expected.numel(); ++i) {
    const double a = actual.data()[i], e = expected.data()[i];
    const double diff = std::abs(a - e), allowed = tol.absolute + tol.relative * std::abs(e);
    if (!(diff <= allowed) && (worst < 0 || diff - allowed > worst_excess)) {
      worst = i;
      worst_excess = diff - allowed;
      worst_diff = diff;
    }
  }
  if (worst >= 0) {
    FAIL_CHECK(fmt::format("element {} of {}: attograd {:.10g}, reference {:.10g}, |diff| {:.3g}", worst,
                           expected.shape(), actual.data()[worst], expected.data()[worst], worst_diff));
  }
}

Fixture::Fixture(const std::string& name) : name_(name) {
  const std::string path = std::string(ATTOGRAD_FIXTURES) + "/" + name + ".txt";
  std::ifstream file(path);
  if (!file) throw std::runtime_error(fmt::format("cannot open fixture '{}'", path));
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string kind, key;
    words >> kind >> key;
    if (kind == "option") {
      double value;
      if (!(words >> value)) throw std::runtime_error(fmt::format("{}:{}: option without a value", path, number));
      options_[key] = static_cast<Real>(value);
    } else if (kind == "tensor") {
      int rank = -1;
      words >> rank;
      atto::Shape shape;
      for (Index d, i = 0; i < rank && words >> d; ++i) shape.push_back(d);
      if (rank < 0 || shape.rank() != rank) throw std::runtime_error(fmt::format("{}:{}: bad shape", path, number));
      std::getline(file, line);
      ++number;
      std::istringstream values(line);
      Tensor t = Tensor::empty(shape);
      for (Index i = 0; i < t.numel(); ++i) {
        double v;
        if (!(values >> v)) throw std::runtime_error(fmt::format("{}:{}: too few values for '{}'", path, number, key));
        t.data()[i] = static_cast<Real>(v);
      }
      tensors_[key] = t;
    } else {
      throw std::runtime_error(fmt::format("{}:{}: unknown record '{}'", path, number, kind));
    }
  }
}

const Tensor& Fixture::tensor(const std::string& name) const {
  const auto found = tensors_.find(name);
  if (found == tensors_.end()) throw std::runtime_error(fmt::format("fixture '{}' has no '{}'", name_, name));
  return found->second;
}

Real Fixture::option(const std::string& name) const {
  const auto found = options_.find(name);
  if (found == options_.end()) throw std::runtime_error(fmt::format("fixture '{}' has no option '{}'", name_, name));
  return found->second;
}

std::map<std::string, Var> Fixture::inputs() const {
  std::map<std::string, Var> out;
  for (const auto& [key, value] : tensors_) {
    if (key.starts_with("input.")) out.emplace(key.substr(6), Var(value.clone(), true));
  }
  return out;
}

void Fixture::load_parameters(atto::Module& module) const {
  Index found = 0;
  for (auto& [name, parameter] : module.named_parameters()) {
    CAPTURE(name);
    const Tensor& value = tensor("param." + name);
    REQUIRE_MESSAGE(value.shape() == parameter.shape(),
                    fmt::format("fixture {}, parameter {}", value.shape(), parameter.shape()));
    std::copy_n(value.data(), value.numel(), parameter.mutable_value().data());
    ++found;
  }
  Index in_fixture = 0;
  for (const auto& [key, _] : tensors_) in_fixture += key.starts_with("param.");
  REQUIRE_MESSAGE(found == in_fixture, "the fixture and the module hold different parameters");
}

void Fixture::check(const std::map<std::string, Var>& outputs, const std::map<std::string, Var>& inputs,
                    const atto::Module* module) const {
  Var loss;
  Index compared = 0;
  for (const auto& [key, expected] : tensors_) {
    if (!key.starts_with("output.")) continue;
    const std::string name = key.substr(7);
    const auto output = outputs.find(name);
    REQUIRE_MESSAGE(output != outputs.end(), fmt::format("the test gives no output '{}'", name));
    check_close(output->second.value(), expected, name_ + " " + key);
    const Var term = atto::sum(output->second * Var(tensor("upstream." + name)));
    loss = compared++ == 0 ? term : loss + term;
  }
  REQUIRE_MESSAGE(compared == static_cast<Index>(outputs.size()), "the test gives an output the fixture lacks");
  loss.backward();

  std::map<std::string, Var> leaves;
  for (const auto& [name, input] : inputs) leaves.emplace("grad.input." + name, input);
  if (module) {
    for (const auto& [name, parameter] : module->named_parameters()) leaves.emplace("grad.param." + name, parameter);
  }
  for (const auto& [key, expected] : tensors_) {
    if (!key.starts_with("grad.")) continue;
    const auto leaf = leaves.find(key);
    REQUIRE_MESSAGE(leaf != leaves.end(), fmt::format("the test gives no '{}'", key));
    // A leaf that backward never reached has, in effect, a zero gradient.
    check_close(leaf->second.has_grad() ? leaf->second.grad() : atto::zeros(expected.shape()), expected,
                name_ + " " + key);
  }
}

}  // namespace reference
