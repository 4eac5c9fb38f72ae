#include "nn/sequence_layer.h"

#include "core/errors.h"

#include <optional>

#include <fmt/format.h>

namespace atto {

namespace {

class LSTMSequence : public SequenceLayer {
 public:
  LSTMSequence(Index input_dim, Index units, LSTMImplementation implementation, Generator& gen)
      : lstm_(input_dim, units, {.return_sequences = true, .implementation = implementation}, gen) {
    register_module("lstm", lstm_);
  }
  std::string type_name() const override { return "LSTMSequence"; }

  Result run(const Var& x, const State& initial, const Tensor& mask) const override {
    if (!initial.empty() && initial.size() != 2) {
      throw ArgumentError(fmt::format("LSTMSequence: a state of {} parts, need 2 (h, c)", initial.size()));
    }
    const std::optional<LSTMState> start =
        initial.empty() ? std::nullopt : std::optional<LSTMState>(LSTMState{initial[0], initial[1]});
    const LSTM::Result result = lstm_(x, start, mask);
    return {result.output, {result.state.h, result.state.c}};
  }
  State zero_state(Index batch) const override {
    const LSTMState zero = lstm_.cell().zero_state(batch);
    return {zero.h, zero.c};
  }

 private:
  LSTM lstm_;
};

}  // namespace

SequenceLayerFactory lstm_layers(LSTMImplementation implementation) {
  return [implementation](Index input_dim, Index units, Generator& gen) -> std::unique_ptr<SequenceLayer> {
    return std::make_unique<LSTMSequence>(input_dim, units, implementation, gen);
  };
}

}  // namespace atto
