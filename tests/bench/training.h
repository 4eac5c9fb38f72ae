// Tutorial 09's translator and one Adam step on fixed random batches, shared
// by the training benchmark and the thread-scaling table.
#pragma once

#include "nn/nn.h"
#include "tests/bench/common.h"
#include "nn/translator.h"

namespace bench {

struct Seq2seqStep {
  static constexpr Index kVocab = 40, kBatch = 32, kSourceSteps = 20, kTargetSteps = 10;

  Seq2seqStep();
  // Forward, cross-entropy, backward, gradient clipping, Adam; returns the loss.
  Real operator()();

  atto::Generator gen;
  atto::Translator model;
  std::vector<atto::Var> parameters;
  atto::Adam adam;
  atto::Tensor source, decoder_input, target;

 private:
  atto::Tensor random_ids(Index rows, Index steps);
};

}  // namespace bench
