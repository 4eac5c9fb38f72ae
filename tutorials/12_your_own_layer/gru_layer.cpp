// Step 4 of tutorial 12: the GRU as a layer. Owning the weights and checking
// shapes is all a layer adds to the op; SequenceLayer is what lets the
// translator use it in place of the LSTM.
#include "core/errors.h"
#include "tutorials/12_your_own_layer/gru.h"

#include <fmt/format.h>

namespace atto::tutorial {

namespace {

Index at_least_one(const char* what, Index n) {
  if (n < 1) throw ArgumentError(fmt::format("GRU: {} must be at least 1, got {}", what, n));
  return n;
}

}  // namespace

GRU::GRU(Index input_dim, Index units, GRUImplementation implementation, Generator& gen)
    : kernel_(init::glorot_uniform({at_least_one("input_dim", input_dim), 3 * at_least_one("units", units)}, gen),
              true),
      recurrent_kernel_(init::orthogonal({units, 3 * units}, 1, gen), true),
      input_bias_(zeros({3 * units}), true),
      recurrent_bias_(zeros({3 * units}), true),
      implementation_(implementation) {
  register_parameter("kernel", kernel_);
  register_parameter("recurrent_kernel", recurrent_kernel_);
  register_parameter("input_bias", input_bias_);
  register_parameter("recurrent_bias", recurrent_bias_);
}

SequenceLayer::Result GRU::run(const Var& x, const State& initial, const Tensor& mask) const {
  if (x.value().rank() != 3 || x.shape()[2] != input_dim()) {
    throw_shape_error("GRU", "input {}: need (batch, steps, {})", x.shape(), input_dim());
  }
  const Index batch = x.shape()[0], steps = x.shape()[1];
  const Var h0 = initial.empty() ? zero_state(batch)[0] : initial[0];
  if (initial.size() > 1 || !(h0.shape() == Shape{batch, units()})) {
    throw_shape_error("GRU", "initial state of {} parts, h {}, for input {}: need one h ({}, {})", initial.size(),
                      h0.shape(), x.shape(), batch, units());
  }
  if (mask.numel() > 0 && !(mask.shape() == Shape{batch, steps})) {
    throw_shape_error("GRU", "mask {} for input {}: need ({}, {})", mask.shape(), x.shape(), batch, steps);
  }
  if (steps == 0) return {Var(zeros({batch, 0, units()})), {h0}};
  const auto sequence = implementation_ == GRUImplementation::fused ? gru_sequence : gru_sequence_composed;
  const Var outputs = sequence(x, h0, kernel_, recurrent_kernel_, input_bias_, recurrent_bias_, mask);
  return {outputs, {squeeze(slice(outputs, 1, steps - 1, steps), 1)}};
}

SequenceLayer::State GRU::zero_state(Index batch) const { return {Var(zeros({batch, units()}))}; }

SequenceLayerFactory gru_layers(GRUImplementation implementation) {
  return [implementation](Index input_dim, Index units, Generator& gen) -> std::unique_ptr<SequenceLayer> {
    return std::make_unique<GRU>(input_dim, units, implementation, gen);
  };
}

}  // namespace atto::tutorial
