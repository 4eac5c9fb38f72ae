// Module: the base of every layer and model.
//
// A module owns parameters (Vars that require grad) and child modules, and
// registers both by name in its constructor. From that, the base class
// provides everything generic: dotted parameter names collected recursively
// (`encoder.lstm.kernel`), train/eval mode, zero_grad, the parameter count and
// a Keras-style summary. A new layer is a constructor and a forward:
//
//   class Scale : public Layer {
//    public:
//     explicit Scale(Index n) : factor_(ones({n}), true) { register_parameter("factor", factor_); }
//     Var forward(const Var& x) override { return x * factor_; }
//     std::string type_name() const override { return "Scale"; }
//    private:
//     Var factor_;
//   };
//
// Modules hold pointers to their children, so they are neither copied nor moved.
#pragma once

#include "autograd/grad_mode.h"
#include "autograd/graph_json.h"
#include "autograd/var.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atto {

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Shown in summaries, e.g. "Dense".
  [[nodiscard]] virtual std::string type_name() const = 0;

  // Every parameter of this module and its children, in registration order,
  // named by their path: "0.kernel", "encoder.bias".
  [[nodiscard]] std::vector<std::pair<std::string, Var>> named_parameters() const;
  [[nodiscard]] std::vector<Var> parameters() const;
  [[nodiscard]] Index parameter_count() const;

  // Training mode switches dropout on; eval() switches it off. Applies to children.
  void train(bool training = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  void zero_grad();

  // A table of the module tree: each module with its parameters' shapes and
  // counts, and the total, like Keras's model.summary().
  [[nodiscard]] std::string summary() const;

  // The module's place in its model, "decoder.attention": the names it was
  // registered under, from the outermost module down ("" for the model).
  [[nodiscard]] std::string path() const;

 protected:
  void register_parameter(std::string name, const Var& parameter);
  void register_module(std::string name, Module& child);
  // The graph scope a call of this module opens (grad_mode.h): its type
  // name and its path; nothing, at the cost of one test, when no picture is wanted.
  [[nodiscard]] GraphScope graph_scope() const {
    return graph_pictures_wanted() ? GraphScope(type_name(), path()) : GraphScope();
  }

 private:
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Var>>& out) const;
  void describe(const std::string& name, int depth, std::string& out) const;

  std::vector<std::pair<std::string, Var>> parameters_;
  std::vector<std::pair<std::string, Module*>> children_;
  const Module* parent_ = nullptr;  // set by the parent's register_module
  std::string name_in_parent_;
  bool training_ = true;
};

// A layer's size argument (units, features, vocabulary...), checked in its
// constructor: throws ArgumentError naming the layer unless n >= 1.
[[nodiscard]] Index positive_size(std::string_view layer, std::string_view what, Index n);
// The shape of a layer's parameter from sizes already checked: throws
// ArgumentError naming the layer and the parameter when its elements are
// too many to count (instead of the Shape error a user never called).
[[nodiscard]] Shape parameter_shape(std::string_view layer, std::string_view parameter,
                                    std::initializer_list<Index> dims);

// A module with one input and one output: what Sequential chains. Calling
// it records its nodes in a graph scope of its type's name (a picture of
// the graph folds them into one box).
class Layer : public Module {
 public:
  [[nodiscard]] virtual Var forward(const Var& x) = 0;
  [[nodiscard]] Var operator()(const Var& x) {
    const GraphScope scope = graph_scope();
    return forward(x);
  }
};

// Each parameter's node named by its path in the model, for pictures of
// the graph (graph_json, Explorer::add_graph).
[[nodiscard]] NodeNames parameter_names(const Module& model);

}  // namespace atto
