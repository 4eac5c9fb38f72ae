// Tutorial 09's translator and tutorial 14's GPT, one Adam step each on fixed
// random batches, shared by the training benchmark and the thread-scaling table.
#pragma once

#include "nn/nn.h"
#include "tests/bench/common.h"
#include "nn/translator.h"
#include "tutorials/14_gpt/gpt.h"

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

// Tutorial 14's full-mode model: V=85, context 64, width 64, 4 heads, 2
// blocks, feed-forward 256, batches of 16 windows.
struct GptStep {
  static constexpr Index kVocab = 85, kBatch = 16, kContext = 64;

  GptStep();
  // Forward (causal), cross-entropy, backward, gradient clipping, Adam; returns the loss.
  Real operator()();

  atto::Generator gen;
  atto::tutorial::Gpt model;
  std::vector<atto::Var> parameters;
  atto::Adam adam;
  atto::Tensor inputs, targets;
};

}  // namespace bench
