// The seam between the translator and its recurrent layers. The encoder and
// the decoder are written against SequenceLayer, so any recurrent layer that
// implements it plugs in: nn's LSTM (lstm_layers below), or a layer of your
// own, as tutorial 12's GRU.
#pragma once

#include "nn/lstm.h"

#include <functional>
#include <memory>
#include <vector>

namespace atto {

// A recurrent layer run over a whole sequence. Its state is a list of
// (B, units) tensors: an LSTM's {h, c}, a GRU's {h}.
class SequenceLayer : public Module {
 public:
  using State = std::vector<Var>;
  struct Result {
    Var outputs;  // (B, T, units): h at every step
    State state;  // after the last step
  };
  // x (B, T, input_dim), starting from `initial` (zero_state when empty).
  // mask (B, T) or empty: at steps where it is 0 the state carries over, as
  // in LSTM::forward, so right padding leaves the state of the last real step.
  virtual Result run(const Var& x, const State& initial, const Tensor& mask) const = 0;
  virtual State zero_state(Index batch) const = 0;
};

// Makes the encoder's and the decoder's layer.
using SequenceLayerFactory =
    std::function<std::unique_ptr<SequenceLayer>(Index input_dim, Index units, Generator& gen)>;

// nn's LSTM as a SequenceLayer.
SequenceLayerFactory lstm_layers(LSTMImplementation implementation = LSTMImplementation::fused);

}  // namespace atto
