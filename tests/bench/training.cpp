// One Adam training step of tutorial 09's and tutorial 14's models at
// tutorial scale, the workloads learners actually run: many small ops, where
// framework overhead and not arithmetic decides the time.
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

namespace {

atto::Tensor random_tokens(atto::Generator& gen, Index rows, Index steps, Index vocab) {
  atto::Tensor ids = atto::Tensor::empty({rows, steps});
  for (Index i = 0; i < ids.numel(); ++i) ids.data()[i] = static_cast<Real>(1 + gen.randint(vocab - 1));
  return ids;
}

}  // namespace

GptStep::GptStep()
    : gen(14),
      model({.vocab = kVocab, .context = kContext, .d_model = 64, .num_heads = 4, .layers = 2, .feedforward = 256},
            std::vector<std::uint32_t>(kVocab - 1, 'a'), gen),
      parameters(model.trainable()),
      adam(parameters, {.lr = 0.003}),
      inputs(random_tokens(gen, kBatch, kContext, kVocab)),
      targets(random_tokens(gen, kBatch, kContext, kVocab)) {}

Real GptStep::operator()() {
  adam.zero_grad();
  const atto::Var loss = atto::cross_entropy(model.logits(inputs, true), targets);
  loss.backward();
  atto::clip_grad_norm(parameters, 1);
  adam.step();
  return loss.item();
}

void bench_gpt(const Options& options) {
  if (!selected(options, "gpt")) return;
  const int threads = 2;
  atto::set_num_threads(threads);
  fmt::print("\n## tutorial 14's GPT, one Adam step (V={}, T={}, width 64, 4 heads, 2 blocks, feed-forward 256, B={}), "
             "{} threads; tokens per second = {} / time\n", GptStep::kVocab, GptStep::kContext, GptStep::kBatch, threads,
             GptStep::kBatch * GptStep::kContext);
  print_header();
  GptStep step;
  const double ours_ms = measure_and_print("attograd", options.reps * 4, [&] { step(); });
  fmt::print("attograd: {:.0f} training tokens per second\n", 1000.0 * GptStep::kBatch * GptStep::kContext / ours_ms);
  compare_with_torch("gpt_step", "PyTorch 1.13", threads, options.reps * 4, ours_ms, 1.0, "attograd");
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
