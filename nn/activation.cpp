#include "nn/activation.h"

#include "autograd/ops.h"
#include "core/errors.h"

#include <string>

namespace atto {

namespace {
constexpr std::string_view kNames[] = {"linear", "relu", "tanh", "sigmoid", "softmax"};
}

Var activate(Activation activation, const Var& x) {
  switch (activation) {
    case Activation::linear: return x;
    case Activation::relu: return relu(x);
    case Activation::tanh: return tanh(x);
    case Activation::sigmoid: return sigmoid(x);
    case Activation::softmax: return softmax(x);
  }
  throw_argument_error("activate", "unknown activation {}", static_cast<int>(activation));
}

Activation activation_from_name(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<Activation>(i);
  }
  throw_argument_error("activation", "unknown activation '{}' (linear, relu, tanh, sigmoid, softmax)", name);
}

std::string_view activation_name(Activation activation) {
  return kNames[static_cast<size_t>(checked_activation("activation_name", activation))];
}

Activation checked_activation(std::string_view layer, Activation activation) {
  const auto index = static_cast<size_t>(activation);
  if (index >= std::size(kNames)) {
    throw_argument_error(layer, "activation {} is not one of Activation's values", static_cast<int>(activation));
  }
  return activation;
}

std::string ActivationLayer::type_name() const { return "Activation(" + std::string(activation_name(activation_)) + ")"; }

}  // namespace atto
