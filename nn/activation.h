// Activations by name, as Dense takes them (Keras's `activation=`), and as a
// layer for Sequential.
#pragma once

#include "nn/module.h"

#include <string_view>

namespace atto {

enum class Activation { linear, relu, tanh, sigmoid, softmax };

[[nodiscard]] Var activate(Activation activation, const Var& x);
// "linear", "relu", ...; throws ArgumentError on an unknown name.
Activation activation_from_name(std::string_view name);
std::string_view activation_name(Activation activation);
// Returns `activation`, or throws ArgumentError naming `layer` when it is
// not one of the enum's values (a cast from a bad number).
Activation checked_activation(std::string_view layer, Activation activation);

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation activation) : activation_(checked_activation("ActivationLayer", activation)) {}
  [[nodiscard]] Var forward(const Var& x) override { return activate(activation_, x); }
  [[nodiscard]] std::string type_name() const override;

 private:
  Activation activation_;
};

}  // namespace atto
