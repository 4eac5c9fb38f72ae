#include "nn/module.h"

#include "core/errors.h"

#include <fmt/format.h>

namespace atto {

Index positive_size(std::string_view layer, std::string_view what, Index n) {
  if (n < 1) throw_argument_error(layer, "{} must be at least 1, got {}", what, n);
  return n;
}

Shape parameter_shape(std::string_view layer, std::string_view parameter, std::initializer_list<Index> dims) {
  Index elements = 1;
  for (Index d : dims) {
    if (!__builtin_mul_overflow(elements, d, &elements)) continue;
    std::string sizes;
    for (Index e : dims) sizes += (sizes.empty() ? "" : " x ") + std::to_string(e);
    throw_argument_error(layer, "a {} of {} has too many elements to count", parameter, sizes);
  }
  return Shape(dims);
}

void Module::register_parameter(std::string name, const Var& parameter) {
  if (!parameter.is_leaf() || !parameter.requires_grad()) {
    throw_argument_error("register_parameter", "'{}' must be a leaf Var that requires grad", name);
  }
  for (const auto& [existing, _] : parameters_) {
    if (existing == name) throw_argument_error("register_parameter", "'{}' is registered twice", name);
  }
  parameters_.emplace_back(std::move(name), parameter);
}

void Module::register_module(std::string name, Module& child) {
  for (const auto& [existing, _] : children_) {
    if (existing == name) throw_argument_error("register_module", "'{}' is registered twice", name);
  }
  child.parent_ = this;
  child.name_in_parent_ = name;
  children_.emplace_back(std::move(name), &child);
}

std::string Module::path() const {
  std::string path;
  for (const Module* m = this; m->parent_ != nullptr; m = m->parent_) {
    path.insert(0, path.empty() ? m->name_in_parent_ : m->name_in_parent_ + ".");
  }
  return path;
}

void Module::collect(const std::string& prefix, std::vector<std::pair<std::string, Var>>& out) const {
  for (const auto& [name, parameter] : parameters_) out.emplace_back(prefix + name, parameter);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<std::pair<std::string, Var>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Var>> out;
  collect("", out);
  return out;
}

std::vector<Var> Module::parameters() const {
  std::vector<Var> out;
  for (auto& [_, parameter] : named_parameters()) out.push_back(parameter);
  return out;
}

Index Module::parameter_count() const {
  Index count = 0;
  for (const auto& [_, parameter] : named_parameters()) count += parameter.value().numel();
  return count;
}

void Module::train(bool training) {
  training_ = training;
  for (auto& [_, child] : children_) child->train(training);
}

void Module::zero_grad() {
  for (auto& [_, parameter] : named_parameters()) parameter.zero_grad();
}

void Module::describe(const std::string& name, int depth, std::string& out) const {
  Index own = 0;
  std::string shapes;
  for (const auto& [pname, parameter] : parameters_) {
    own += parameter.value().numel();
    if (!shapes.empty()) shapes += ' ';
    shapes += fmt::format("{}{}", pname, parameter.shape());
  }
  const std::string label = fmt::format("{}{} ({})", std::string(2 * depth, ' '), name, type_name());
  out += fmt::format("{:<36} {:<34} {:>10}\n", label, shapes, own);
  for (const auto& [child_name, child] : children_) child->describe(child_name, depth + 1, out);
}

std::string Module::summary() const {
  std::string out = fmt::format("{:<36} {:<34} {:>10}\n{}\n", "module (type)", "parameters", "count",
                                std::string(82, '='));
  describe("model", 0, out);
  out += fmt::format("{}\nTotal parameters: {}\n", std::string(82, '='), parameter_count());
  return out;
}

NodeNames parameter_names(const Module& model) {
  NodeNames names;
  for (const auto& [name, parameter] : model.named_parameters()) names.emplace(parameter.node().get(), name);
  return names;
}

}  // namespace atto
