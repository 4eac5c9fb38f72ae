// Tutorial 08: sequence to sequence, without attention
//
// The task: rewrite dates the way people write them ("tuesday, may 3, 1998",
// "05/03/98", "the 3rd of may, 1998") as ISO dates ("1998-05-03"), one
// character at a time. Input and output have different lengths and the
// output is not a per-position function of the input, so neither a Dense
// layer nor a single LSTM fits: we need an encoder-decoder.
//
//   encoder: an LSTM reads the source characters. Its final state (h, c) is
//            everything the decoder will ever learn about the source.
//   decoder: an LSTM that starts from that state and writes the target one
//            character at a time, each step fed the previous character.
//
// Training uses *teacher forcing*: the decoder is fed the true previous
// character, so every step of every example is trained in one pass, and the
// loss is the cross-entropy of each next character. Translating uses *greedy
// decoding*: feed <start>, take the most likely character, feed it back,
// until <end>.
//
// The model lives in nn/translator.{h,cpp}, read it alongside;
// here it runs with attention switched off. Everything the decoder learns
// about the source has to pass through the encoder's final state, one
// fixed-size vector: the bottleneck. Watch the accuracy by input length.
// A date holds the same information however it is written, so length alone
// is not what hurts; reordering is. In "05/03/98" the month comes first and
// the year last, and the state must hold every digit until the decoder needs
// it, knowing which is the month only once it has seen the separators. The
// bottleneck model gets there, slowly; tutorial 09 adds attention, which
// lets each output step read the digit it needs where it sits.
//
// Run it:  build/tutorials/08_seq2seq [--quick] [--threads N] [--seed S]
#include "nn/nn.h"
#include "tutorials/common/dates.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/options.h"
#include "tutorials/common/svg.h"
#include "tutorials/common/translation_task.h"

#include <fmt/format.h>

#include <chrono>

using namespace atto;
using namespace atto::tutorial;

int main(int argc, char** argv) {
  const Options options =
      parse_options(argc, argv, "Tutorial 08: an LSTM encoder-decoder (no attention) normalising dates.");

  // 1. Data: generated from the seed, with no source string in two splits.
  const DateSplits data = make_date_splits(options.quick ? 8000 : 20000, 500, options.quick ? 200 : 500, options.seed);
  const Vocabulary chars = shared_vocabulary(data.train, Tokenization::characters);
  fmt::print("{} training, {} validation and {} test dates; {} characters in the vocabulary\n", data.train.size(),
             data.validation.size(), data.test.size(), chars.size());
  for (std::size_t i = 0; i < 4; ++i) fmt::print("  {:>30}  ->  {}\n", data.train[i].source, data.train[i].target);

  // 2. The model: one vocabulary for both sides (the target uses only digits and '-').
  Generator gen(options.seed + 1);
  Translator model({.source_vocab = chars.size(), .target_vocab = chars.size(), .attention = false}, gen);
  fmt::print("\n{}", model.summary());

  // 3. Teacher forcing: decoder input "<start>1998-05-03", target "1998-05-03<end>".
  const ParallelCorpus corpus = make_corpus(data.train, chars, chars);
  fmt::print("\nsource (N, Ts) = {}, decoder input and target (N, Tt) = {}\n", corpus.source.shape(),
             corpus.decoder_input.shape());
  constexpr Index kMaxSteps = 11;  // "yyyy-mm-dd" and <end>
  const std::vector<std::string> validation_sources = sources_of(data.validation);
  std::vector<double> validation_by_epoch;  // for the picture
  const auto validate = [&] {
    const Real accuracy = exact_match(translate_texts(model, validation_sources, chars, chars, kMaxSteps), data.validation);
    validation_by_epoch.push_back(100 * accuracy);
    return accuracy;
  };
  fmt::print("training (accuracy = exact match on the validation dates, greedy decoding)\n");
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Real> losses = train_translator(model, corpus, {.epochs = options.quick ? 5 : 12, .learning_rate = options.quick ? Real(0.01) : Real(0.005), .print_every = options.quick ? 1 : 3}, gen,
                   validate);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::string curve = options.output_path("08_validation.svg");
  tutorial::line_chart(validation_by_epoch, "Validation dates normalised exactly, after each epoch (no attention)",
                       "epoch", "exact match (%)")
      .save(curve);
  fmt::print("wrote {}\n", curve);
  // The explorer page (full mode or --html): both curves, and one training
  // date's graph: the loss, the decoder's LSTM, and the encoder's final
  // state as its only view of the source.
  ExplorerPage page(options, "Tutorial 08: an LSTM encoder-decoder");
  page.add_curve({.title = "Training loss per epoch", .y_label = "cross-entropy",
                  .series = {{"training", std::vector<double>(losses.begin(), losses.end())}}});
  page.add_curve({.title = "Validation exact match per epoch", .y_label = "exact match (%)",
                  .series = {{"validation", validation_by_epoch}}});
  if (page.enabled()) {
    const ParallelCorpus one = make_corpus({data.train[0]}, chars, chars);
    page.add_graph(fmt::format("one training date: \"{}\"", data.train[0].source),
                   cross_entropy(model.forward(one.source, one.decoder_input), one.decoder_target, Vocabulary::kPad),
                   &model);
  }
  page.save("08_seq2seq");

  // 4. Held-out dates, read by input length.
  const std::vector<std::string> predicted = translate_texts(model, sources_of(data.test), chars, chars, kMaxSteps);
  const std::vector<Real> by_bucket = exact_match_by_bucket(predicted, data.test);
  fmt::print("\nexact match on held-out dates after {:.1f} s of training:\n", seconds);
  for (std::size_t b = 0; b < by_bucket.size(); ++b) fmt::print("  {:<16} {:6.1f}%\n", kDateBuckets[b].name, 100 * by_bucket[b]);
  fmt::print("  {:<16} {:6.1f}%\n", "all", 100 * exact_match(predicted, data.test));

  fmt::print("\nsome mistakes:\n");
  int shown = 0;
  for (std::size_t i = 0; i < predicted.size() && shown < 6; ++i) {
    if (predicted[i] == data.test[i].target) continue;
    fmt::print("  {:>30}  ->  {}   (right: {})\n", data.test[i].source, predicted[i], data.test[i].target);
    ++shown;
  }
  if (shown == 0) fmt::print("  none\n");

  // The headline: with no attention at all, the encoder's final state is
  // enough to normalise most dates. Quick mode trains for seconds, not
  // minutes: it must show the model learning, well above the 0% it starts at.
  const Real all = exact_match(predicted, data.test), needed = options.quick ? Real(0.1) : Real(0.9);
  if (all < needed) fmt::print("\nexact match {:.1f}% is below the {:.0f}% expected\n", 100 * all, 100 * needed);
  return all >= needed ? 0 : 1;
}
