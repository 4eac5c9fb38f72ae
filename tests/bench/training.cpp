// One Adam training step of tutorial 09's model at tutorial scale, the
// workload learners actually run: many small ops, where framework overhead
// and not arithmetic decides the time.
#include "tests/bench/common.h"
#include "tests/bench/training.h"

#include <fmt/format.h>

namespace bench {

Seq2seqStep::Seq2seqStep()
    : gen(8),
      model({.source_vocab = kVocab, .target_vocab = kVocab, .embedding = 32, .hidden = 64, .attention = true}, gen),
      parameters(model.parameters()),
      adam(parameters, {.lr = 0.005}),
      source(random_ids(kBatch, kSourceSteps)),
      decoder_input(random_ids(kBatch, kTargetSteps)),
      target(random_ids(kBatch, kTargetSteps)) {}

atto::Tensor Seq2seqStep::random_ids(Index rows, Index steps) {
  atto::Tensor ids = atto::Tensor::empty({rows, steps});
  // Real tokens only (ids 0-3 are <pad>, <start>, <end>, <unknown>), so no padding.
  for (Index i = 0; i < ids.numel(); ++i) ids.data()[i] = static_cast<Real>(4 + gen.randint(kVocab - 4));
  return ids;
}

Real Seq2seqStep::operator()() {
  const atto::Var logits = model.forward(source, decoder_input);
  const atto::Var loss = atto::cross_entropy(logits, target, atto::Vocabulary::kPad);
  adam.zero_grad();
  loss.backward();
  atto::clip_grad_norm(parameters, 1);
  adam.step();
  return loss.item();
}

void bench_seq2seq(const Options& options) {
  if (!selected(options, "seq2seq")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## tutorial 09's seq2seq + attention, one Adam step (V={}, E=32, H=64, B={}, Ts={}, Tt={}), "
             "{} threads\n", Seq2seqStep::kVocab, Seq2seqStep::kBatch, Seq2seqStep::kSourceSteps,
             Seq2seqStep::kTargetSteps, threads);
  print_header();
  Seq2seqStep step;
  const double ours_ms = measure_and_print("attograd", options.reps * 4, [&] { step(); });
  compare_with_torch("seq2seq_step", "PyTorch 1.13", threads, options.reps * 4, ours_ms, 0.3, "attograd");
}

}  // namespace bench
