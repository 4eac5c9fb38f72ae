// Tutorial 14: a character-level GPT
//
// Tutorial 13's Transformer translated: an encoder read the source, a
// decoder wrote the target. A GPT keeps the decoder alone and gives it one
// job, the next character of a text given the characters before it. Train
// that on real text and it writes text of its own.
//
// The text: the three files of the `fortunes-min` Debian package (short
// sayings, lines from literature and riddles in /usr/share/games/fortunes/,
// about 100 KB; BSD licence, The Regents of the University of California:
// /usr/share/doc/fortunes-min/copyright), cut into its fortunes, one in ten
// held out. Without them (not Debian, or `make deps` not run), a few dozen
// proverbs written for this tutorial; with --text FILE, any text you give.
//
// The order of the story: what "good" means (bits per character, and the
// simplest models' scores), the GPT beside them, why its attention must not
// look ahead, its training replayed (and the same start at ten times the
// learning rate), sampling, a key-value cache, a checkpoint to keep.
//
// Run it:  build/tutorials/14_gpt [--quick] [--threads N] [--seed S] [--out DIR] [--text FILE]
//          [--prompt TEXT] [--temperature T] [--top-k K] [--samples N] [--load CKPT --sample]
#include "nn/nn.h"
#include "tutorials/14_gpt/char_text.h"
#include "tutorials/14_gpt/counts.h"
#include "tutorials/14_gpt/gpt.h"
#include "tutorials/14_gpt/timeline_reading.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

using namespace atto;
using namespace atto::tutorial;

namespace {

constexpr const char* kFortuneFolder = "/usr/share/games/fortunes/";
constexpr const char* kFortuneFiles[] = {"fortunes", "literature", "riddles"};

// A flag's number (a whole one where `whole`), or exit 2 saying what is wrong.
double number_flag(const Options& options, const std::string& flag, double fallback, double low, double high,
                   bool whole = false) {
  if (!options.has(flag)) return fallback;
  const std::string text = options.value(flag);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value >= low && value <= high) || (whole && value != std::floor(value))) {
    fmt::print(stderr, "{} needs a {}number from {} to {}, got '{}'\n", flag, whole ? "whole " : "", low, high, text);
    std::exit(2);
  }
  return value;
}

double mean_of_last(const std::vector<double>& values, std::size_t count) {
  count = std::min(count, values.size());
  double total = 0;
  for (std::size_t i = values.size() - count; i < values.size(); ++i) total += values[i];
  return total / static_cast<double>(count);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(
      argc, argv, "Tutorial 14: a character-level GPT, measured against the simplest models of text.",
      {{"--text", "train on this UTF-8 text file instead of the fortunes", "FILE"},
       {"--prompt", "what the samples start from (default: \"A \")", "TEXT"},
       {"--temperature", "one more sampling temperature to print samples at (0: the likeliest character)", "T"},
       {"--top-k", "sample among the k likeliest characters only (default: all)", "K"},
       {"--samples", "samples per temperature (default 2)", "N"},
       {"--load", "with --sample: the checkpoint an earlier run wrote (14_gpt.ckpt)", "CKPT"},
       {"--sample", "with --load: generate from the checkpoint, no training"}});
  if (options.has("--load") != options.has("--sample")) {
    fmt::print(stderr, "--load and --sample go together: --load CKPT --sample generates from a saved model\n");
    return 2;
  }
  const double temperature_flag = number_flag(options, "--temperature", -1, 0, 10);
  const auto top_k = static_cast<Index>(number_flag(options, "--top-k", 0, 0, 100000, true));
  const auto samples = static_cast<int>(number_flag(options, "--samples", 2, 1, 100, true));

  // ## 1. The text, split by document
  //
  // A fortune is held out whole: the held-out score then measures how well
  // the model writes a saying it never saw, not how well it remembers the
  // rest of one it has half read. Characters are the tokens; the vocabulary
  // is the training part's, and a held-out character it lacks becomes <unk>.
  std::vector<std::vector<std::string>> documents;
  std::string source;
  try {
    if (options.has("--text")) {
      source = options.value("--text");
      documents = split_documents(read_characters(source, 2000));
      if (documents.size() < 10) throw TextError(fmt::format("'{}' has {} documents, at least 10 needed", source, documents.size()));
    } else if (std::filesystem::exists(std::string(kFortuneFolder) + kFortuneFiles[0])) {
      source = fmt::format("{}{{fortunes,literature,riddles}} (Debian package fortunes-min, BSD licence)", kFortuneFolder);
      for (const char* file : kFortuneFiles) {
        for (auto& document : split_documents(read_characters(std::string(kFortuneFolder) + file, 2000))) {
          documents.push_back(std::move(document));
        }
      }
    } else {
      fmt::print("{}fortunes is not here (install the Debian package fortunes-min, or run make deps): "
                 "training on the built-in proverbs instead\n", kFortuneFolder);
      source = "the built-in proverbs (tutorials/14_gpt/char_text.cpp)";
      documents = builtin_proverbs();
    }
  } catch (const TextError& e) {
    fmt::print(stderr, "{}{}\n", options.has("--text") ? "--text: " : "", e.what());
    return 2;
  }
  const TextSplit split = split_text(documents);
  const CharVocabulary vocab(split.train);
  Index unknown = 0;
  const std::vector<Index> train_ids = vocab.encode(split.train), held_ids = vocab.encode(split.held_out, &unknown);
  fmt::print("== 1. the text ==\n{}\n{} documents: {} for training ({} characters), {} held out ({} characters)\n",
             source, documents.size(), split.train_documents, train_ids.size(), split.held_out_documents,
             held_ids.size());
  fmt::print("vocabulary: {} characters and <unk>; {} held-out characters are not in it (<unk>)\n", vocab.size() - 1,
             unknown);

  // The model: 2 pre-norm blocks of width 64 with 4 heads over a context of
  // 64 characters (its parameter count printed below). Quick mode: 1 block
  // of width 48 over 32 characters, fewer steps at a higher learning rate.
  // The output layer has its own weights, not tied to the character
  // embedding: with under a hundred characters tying would save one
  // vocabulary-by-width matrix, a few percent of the model. The text is small:
  // a larger model or a longer run learns it by heart and does worse on
  // the held-out fortunes (training bits fall, held-out bits rise).
  const GptConfig config = options.quick
      ? GptConfig{.vocab = vocab.size(), .context = 32, .d_model = 48, .num_heads = 4, .layers = 1, .feedforward = 96}
      : GptConfig{.vocab = vocab.size(), .context = 64, .d_model = 64, .num_heads = 4, .layers = 2, .feedforward = 256};
  // A text too small to cut a training window and a held-out one from, or
  // with so many characters that the bigram table would not fit, is refused.
  if (static_cast<Index>(train_ids.size()) <= config.context + 1 || static_cast<Index>(held_ids.size()) <= config.context) {
    fmt::print(stderr, "{}: {} training and {} held-out characters; a window of {} needs more of each\n", source,
               train_ids.size(), held_ids.size(), config.context + 1);
    return 2;
  }
  if (vocab.size() > 4096) {
    fmt::print(stderr, "{}: {} different characters; this tutorial's tables take at most 4096\n", source, vocab.size());
    return 2;
  }
  const Index steps = options.quick ? 700 : 1500, batch = 16;
  const Real learning_rate = options.quick ? Real(0.01) : Real(0.003);
  const std::string prompt_text = options.has("--prompt") ? options.value("--prompt") : "A ";
  // The prompt's characters must be the vocabulary's: an unknown one would
  // be <unk>, whose embedding no training input ever moved.
  std::vector<std::string> prompt_chars;
  try {
    prompt_chars = utf8_characters(prompt_text, "--prompt");
  } catch (const TextError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  Index unknown_in_prompt = 0;
  const std::vector<Index> prompt = vocab.encode(prompt_chars, &unknown_in_prompt);
  if (prompt.empty() || static_cast<Index>(prompt.size()) >= config.context || unknown_in_prompt > 0) {
    fmt::print(stderr, "--prompt needs from 1 to {} characters of the training text's, got {} ({} not in it)\n",
               config.context - 1, prompt.size(), unknown_in_prompt);
    return 2;
  }
  std::vector<double> temperatures = {0.5, 0.8, 1.0};
  if (temperature_flag >= 0) temperatures.push_back(temperature_flag);
  std::set<std::string> training_words;
  for (const std::string& w : words_of(text_of(vocab, train_ids))) training_words.insert(w);
  // Samples at each temperature, and two measures of them: the share of
  // their words that the training text does not have (invented words, or
  // misspelt ones), and the share of characters that repeat the one before
  // (a few percent in English: "ll", "ee", "ss").
  struct SampleShares {
    double invented_words = 0, repeated_characters = 0;
  };
  const auto print_samples = [&](Gpt& model, const std::vector<double>& at_temperatures) {
    Generator gen(options.seed + 7);
    std::size_t words = 0, new_words = 0, characters = 0, repeats = 0;
    for (double t : at_temperatures) {
      fmt::print("temperature {}{}:\n", t, top_k > 0 ? fmt::format(", top {}", top_k) : "");
      for (int s = 0; s < samples; ++s) {
        const std::vector<Index> ids = generate(model, prompt, t, top_k, gen, true);
        fmt::print("  | {}\n", [&] { std::string x = text_of(vocab, ids); std::replace(x.begin(), x.end(), '\n', ' '); return x; }());
        for (const std::string& w : words_of(text_of(vocab, ids, prompt.size()))) {
          ++words;
          new_words += training_words.count(w) == 0 ? 1 : 0;
        }
        for (std::size_t i = prompt.size(); i < ids.size(); ++i, ++characters) repeats += ids[i] == ids[i - 1] ? 1 : 0;
      }
    }
    const SampleShares shares{static_cast<double>(new_words) / static_cast<double>(std::max<std::size_t>(words, 1)),
                              static_cast<double>(repeats) / static_cast<double>(std::max<std::size_t>(characters, 1))};
    fmt::print("{} of {} generated words ({:.0f}%) are not in the training text; {:.0f}% of the characters repeat the one "
               "before\n", new_words, words, 100 * shares.invented_words, 100 * shares.repeated_characters);
    return shares;
  };

  // ## With --load CKPT --sample: a model kept from an earlier run
  //
  // The checkpoint holds the vocabulary's code points and the sizes beside
  // the weights. A model of other sizes does not load (shapes differ); one
  // of the same sizes over other characters would load and write nonsense,
  // so the stored vocabulary is compared too.
  if (options.has("--load")) {
    Generator gen(options.seed);
    Gpt model(config, vocab.code_points(), gen);
    // What this run's model stores, before the file's values replace it.
    const std::vector<Index> sizes = model.stored_sizes();
    const std::vector<std::uint32_t> code_points = model.stored_code_points();
    try {
      load_checkpoint(options.value("--load"), model);
    } catch (const CheckpointError& e) {
      fmt::print(stderr, "cannot use this checkpoint for this run (vocabulary of {} from {}, {} mode): {}\n",
                 vocab.size(), source, options.quick ? "quick" : "full", e.what());
      return 2;
    }
    if (model.stored_sizes() != sizes || model.stored_code_points() != code_points) {
      fmt::print(stderr, "'{}' was trained on another vocabulary or with other sizes than this run's ({}): refused\n",
                 options.value("--load"), source);
      return 2;
    }
    fmt::print("loaded {}\n", options.value("--load"));
    print_samples(model, temperatures);
    return 0;
  }
  ExplorerPage page(options, "Tutorial 14: a character-level GPT");

  // ## 2. What "good" means: bits per character, and the simplest models
  //
  // A model of text gives each next character a probability p; its cost is
  // -log2 p bits, averaged over held-out text. A uniform guess costs
  // log2(V). Counting characters (unigram) and pairs of characters
  // (bigram, add-k smoothing with k = 0.5, so that unseen pairs are not
  // impossible) are the baselines that cost no training. The bigram
  // network is the bigram again, learnt by gradient descent: one Embedding
  // row of logits per character; it should land near the counts.
  fmt::print("\n== 2. held-out bits per character, baselines first ==\n");
  const double uniform = std::log2(static_cast<double>(vocab.size()));
  const double unigram = unigram_bits(train_ids, held_ids, vocab.size(), 0.5);
  const double bigram = bigram_bits(train_ids, held_ids, vocab.size(), 0.5);
  Generator bigram_gen(options.seed + 1);
  BigramNet bigram_net(vocab.size(), bigram_gen);
  const std::vector<double> bigram_losses =
      train_chars(bigram_net, train_ids, config.context, steps, batch, 0.03f, true, bigram_gen);
  const double bigram_net_bits = bits_per_char(bigram_net, held_ids, config.context, true);
  // A run's training loss: the mean of its last tenth of steps.
  const auto tail = [](const std::vector<double>& losses) { return mean_of_last(losses, losses.size() / 10); };
  fmt::print("\n  {:<40} {:>12} {:>12}\n", "model", "train bpc", "held-out bpc");
  fmt::print("  {:<40} {:>12} {:>12.3f}\n", "uniform over the vocabulary", "", uniform);
  fmt::print("  {:<40} {:>12} {:>12.3f}\n", "unigram counts (add-0.5)", "", unigram);
  fmt::print("  {:<40} {:>12} {:>12.3f}\n", "bigram counts (add-0.5)", "", bigram);
  fmt::print("  {:<40} {:>12.3f} {:>12.3f}\n", "bigram network (Embedding to logits)", tail(bigram_losses), bigram_net_bits);

  // ## 3. The GPT
  //
  // Trained on random windows of the training text: at every position of
  // a window the next character is a target, so one window is `context`
  // examples. Adam, its learning rate falling linearly to a tenth,
  // gradient norm clipped at 1.
  Generator gpt_gen(options.seed + 2);
  Gpt gpt(config, vocab.code_points(), gpt_gen);
  fmt::print("\n== 3. the GPT, and 4. the same model trained without the causal mask ==\n");
  fmt::print("GPT: {} blocks, width {}, {} heads, context {}: {} trained parameters, {} steps of {} windows, "
             "learning rate {}\n", config.layers, config.d_model, config.num_heads, config.context,
             [&] { Index n = 0; for (const Var& p : gpt.trainable()) n += p.value().numel(); return n; }(), steps, batch,
             learning_rate);
  // The training is recorded for the page's timeline (autograd/timeline.h):
  // a hundred snapshots (25 quick) of the training and held-out bits per
  // character (the held-out text's first 1,024 characters), the update
  // sizes, and a probe, the first characters of the held-out text, with
  // each layer's attention over them.
  const std::vector<Index> probe_ids(held_ids.begin(), held_ids.begin() + std::min<std::size_t>(held_ids.size(), 17));
  const std::vector<Index> held_start(held_ids.begin(), held_ids.begin() + std::min<std::size_t>(held_ids.size(), 1025));
  std::vector<std::string> probe_tokens;
  for (std::size_t i = 0; i + 1 < probe_ids.size(); ++i) probe_tokens.push_back(vocab.character(probe_ids[i]));
  const auto probe_length = static_cast<Index>(probe_tokens.size());
  Timeline timeline("the GPT's training replayed");
  TimelineRecorder recorder(
      timeline, gpt,
      {.steps = steps, .snapshots = options.quick ? 25 : 100, .graphs = page.enabled() ? 3 : 0,
       .probe = [&](Timeline& t) { return probe_attention(gpt, probe_ids, probe_tokens, t); },
       .held_out = [&] { return Scalars{{"held-out bits per character", bits_per_char(gpt, held_start, config.context, true)}}; }});
  auto start = std::chrono::steady_clock::now();
  const std::vector<double> gpt_losses =
      train_chars(gpt, train_ids, config.context, steps, batch, learning_rate, true, gpt_gen, &recorder);
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double gpt_bits = bits_per_char(gpt, held_ids, config.context, true);

  // ## 4. Why the mask
  //
  // Without the causal mask, position t sees position t + 1, which is the
  // very character it must predict: the training loss falls towards zero
  // by copying. At generation there is no t + 1 to copy from, and scored
  // honestly (the mask on, as generation sees it) the same model is worse
  // than the masked one. It gets half the steps: it needs no more to show it.
  GptConfig open_config = config;
  open_config.causal = false;
  Generator open_gen(options.seed + 2);
  Gpt open(open_config, vocab.code_points(), open_gen);
  const std::vector<double> open_losses = train_chars(open, train_ids, config.context, steps / 2, batch, learning_rate, false, open_gen);
  const double open_bits = bits_per_char(open, held_ids, config.context, true);

  fmt::print("\n  {:<40} {:>12} {:>12}\n", "model", "train bpc", "held-out bpc");
  fmt::print("  {:<40} {:>12.3f} {:>12.3f}\n", "GPT, causal mask", tail(gpt_losses), gpt_bits);
  fmt::print("  {:<40} {:>12.3f} {:>12.3f}\n", "GPT trained without the mask", tail(open_losses), open_bits);
  fmt::print("(train bpc: the mean of the last tenth of the training steps; held-out bpc scored with the mask on)\n");
  // The margin: every bit per character under the bigram counts doubles,
  // on average, the probability the model puts on the right character. The
  // full model must put at least 1.5x (0.6 bits) the bigram counts'
  // probability there, the quick one 1.2x (0.25 bits).
  const double margin = options.quick ? 0.25 : 0.6;
  fmt::print("\nthe GPT is {:.3f} bits per character under the bigram counts (needed: {}); per character that is "
             "{:.2f}x the probability on the right one, on average (geometric mean)\n",
             bigram - gpt_bits, margin, std::exp2(bigram - gpt_bits));
  fmt::print("training took {:.1f} s ({:.1f} ms a step), recording its timeline {:.1f}% of that\n", train_seconds,
             1000 * train_seconds / static_cast<double>(steps), 100 * recorder.seconds() / train_seconds);

  // ### Section 3's training, replayed
  //
  // What the timeline shows. The held-out score falls from the uniform
  // guess's to the GPT's; and in the first layer a head learns to look at
  // the character just before, the bigram's one clue, which every later
  // layer builds on (its weight there is printed, not checked).
  const auto on_previous = [&](const Snapshot& snapshot) {
    double best = 0;
    for (const Tensor& head : snapshot.maps.front().heads) {
      double total = 0;
      for (Index i = 1; i < probe_length; ++i) total += head.at({i, i - 1});
      best = std::max(best, total / static_cast<double>(probe_length - 1));
    }
    return best;
  };
  const Snapshot &first = timeline.snapshots().front(), &last = timeline.snapshots().back();
  const double held_first = scalar(first, "held-out bits per character"), held_last = scalar(last, "held-out bits per character");
  const bool timeline_falls = held_last <= held_first - 2;
  timeline.set_note(fmt::format(
      "What to look for: the held-out bits per character fall from {:.2f} at step 0 to {:.2f} at step {} (the run "
      "checks a fall of at least 2). In layer 0, one head's weight on the character just before goes from {:.2f} "
      "at step 0 to {:.2f} (the best head's mean over the probe): the bigram's clue, found by attention. The later "
      "layers' maps are broader: they read words, spaces and the start of a fortune.",
      held_first, held_last, last.step, on_previous(first), on_previous(last)));
  fmt::print("timeline: {} snapshots; held-out bits {:.2f} at step 0, {:.2f} at the end (a fall of 2 needed); "
             "layer 0's head nearest the previous character: {:.2f} of its weight there at step 0, {:.2f} at the end\n",
             timeline.snapshots().size(), held_first, held_last, on_previous(first), on_previous(last));
  page.add_timeline(timeline);

  // ### A learning rate ten times too high
  //
  // The same model from the same start (the same batches), about an eighth
  // of the steps, at ten times the learning rate at every step (the same
  // schedule, scaled), recorded too. The update-to-parameter ratio shows it
  // at the first step: Adam moves each weight by about the learning rate
  // whatever its gradient, so every weight matrix moves ten times as far
  // against its size. The held-out bits say it was too high: at the last
  // step, one the run above recorded too, they are worse than the chosen
  // rate's.
  const Index fast_steps = steps / 8 / recorder.every() * recorder.every() + 1;
  Timeline fast_timeline(fmt::format("the same start at ten times the learning rate ({:g}), {} steps", 10.0 * learning_rate,
                                     fast_steps));
  {
    Generator fast_gen(options.seed + 2);
    Gpt fast(config, vocab.code_points(), fast_gen);
    TimelineRecorder fast_recorder(
        fast_timeline, fast,
        {.steps = fast_steps, .snapshots = 10, .graphs = 0,
         .probe = [&](Timeline& t) { return probe_attention(fast, probe_ids, probe_tokens, t); }, .held_out = [&] {
           return Scalars{{"held-out bits per character", bits_per_char(fast, held_start, config.context, true)}};
         }});
    (void)train_chars(fast, train_ids, config.context, fast_steps, batch, 10 * learning_rate, true, fast_gen,
                      &fast_recorder, steps);
  }
  const double ratio_chosen = median_log10_kernel_update(first),
               ratio_fast = median_log10_kernel_update(fast_timeline.snapshots().front());
  const double held_chosen = scalar_before(timeline, fast_steps, "held-out bits per character"),
               held_fast = scalar_before(fast_timeline, fast_steps, "held-out bits per character");
  const bool too_high_shows = ratio_fast >= ratio_chosen + 0.9 && held_fast >= held_chosen + 0.25;
  fmt::print("ten times the learning rate: at step 0 the weight matrices' update is 10^{:.2f} of their size against "
             "10^{:.2f} (needed: 0.9 higher); at step {} held-out bits {:.2f} against {:.2f} (needed: 0.25 worse)\n",
             ratio_fast, ratio_chosen, fast_steps - 1, held_fast, held_chosen);
  fast_timeline.set_note(fmt::format(
      "What to look for: the chart of update / parameter at step 0. Adam moves each weight by about the learning "
      "rate, so at ten times the rate every weight matrix moves ten times as far against its size: the median "
      "matrix by 10^{:.2f} of it, against 10^{:.2f} in the run above. It was too high: at step {} the held-out "
      "bits per character are {:.2f}, against {:.2f} at the chosen rate. The run checks both (a ratio at least 0.9 "
      "decades higher, bits at least 0.25 worse).",
      ratio_fast, ratio_chosen, fast_steps - 1, held_fast, held_chosen));
  page.add_timeline(fast_timeline);
  page.add_curve({.title = "training loss per step", .x_label = "step", .y_label = "bits per character",
                  .series = {{"bigram network", bigram_losses}, {"GPT, causal", gpt_losses}, {"GPT, no mask", open_losses}},
                  .steps_per_point = 1});

  // ## 5. Sampling
  //
  // Generation feeds the model its own output: a next character drawn from
  // softmax(logits / temperature), appended, and again. Low temperatures
  // pick the likeliest characters (safe, repetitive); 1 samples the model
  // as trained; top-k leaves out all but the k likeliest.
  fmt::print("\n== 5. samples from \"{}\" ==\n", prompt_text);
  const SampleShares masked_samples = print_samples(gpt, temperatures);
  // The model trained without the mask writes as it must, one character at
  // a time with nothing ahead to copy: what it learnt was copying.
  fmt::print("\nthe model trained without the mask, from the same prompt:\n");
  const SampleShares open_samples = print_samples(open, {0.8});

  // ## 6. The key-value cache
  //
  // Without a cache, each new character runs the whole prefix through the
  // model again. With one, each step runs its one position and reads the
  // earlier positions' keys and values back (MultiHeadAttention::step). It
  // must give the same characters: greedy decoding from a few prompts, both
  // ways.
  fmt::print("\n== 6. generating with and without the key-value cache ==\n");
  bool same_tokens = true;
  double cached_seconds = 0, uncached_seconds = 0;
  Index generated = 0;
  for (const char* p : {"A ", "The ", "You will ", "%\n"}) {
    std::vector<std::string> chars;
    for (const char* c = p; *c != '\0'; ++c) chars.emplace_back(1, *c);
    const std::vector<Index> start_ids = vocab.encode(chars);
    Generator unused(0);
    start = std::chrono::steady_clock::now();
    const std::vector<Index> with = generate(gpt, start_ids, 0, 0, unused, true);
    cached_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    start = std::chrono::steady_clock::now();
    const std::vector<Index> without = generate(gpt, start_ids, 0, 0, unused, false);
    uncached_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    same_tokens = same_tokens && with == without;
    generated += static_cast<Index>(with.size() - start_ids.size());
  }
  fmt::print("{} characters: {:.0f} per second with the cache, {:.0f} without ({:.1f}x); same characters: {}\n",
             generated, static_cast<double>(generated) / cached_seconds, static_cast<double>(generated) / uncached_seconds,
             uncached_seconds / cached_seconds, same_tokens ? "yes" : "NO");

  // ## 7. Where it looks
  //
  // The explorer page (14_gpt.html, full mode or --html) shows, for one
  // sample, each layer's attention head by head: row i is the character
  // at position i, looking back over the characters up to it.
  if (page.enabled()) {
    Generator gen(options.seed + 9);
    const std::vector<Index> sample = generate(gpt, prompt, 0.8, top_k, gen, true);
    std::vector<std::string> labels;
    for (Index id : sample) {
      const std::string& c = vocab.character(id);
      labels.push_back(c == "\n" ? "\\n" : c);
    }
    std::vector<Tensor> weights;
    const auto length = static_cast<Index>(sample.size());
    Tensor ids = Tensor::empty({1, length});
    for (Index i = 0; i < length; ++i) ids.data()[i] = static_cast<Real>(sample[static_cast<std::size_t>(i)]);
    {
      const NoGradGuard no_graph;
      (void)gpt.forward(ids, true, &weights);
    }
    for (std::size_t l = 0; l < weights.size(); ++l) {
      std::vector<Tensor> heads;
      for (Index h = 0; h < config.num_heads; ++h) heads.push_back(slice(weights[l], 1, h, h + 1).reshape({length, length}));
      page.add_attention({.title = fmt::format("layer {} self-attention over a sample: \"{}\"", l, text_of(vocab, sample)),
                          .rows = labels, .cols = labels, .heads = heads, .row_label = "character", .col_label = "looks at"});
    }
    // The graph of the loss on the sample's first characters, each
    // predicting the next: the blocks' norms, attention and feed-forward,
    // the parameters named by their place in the model.
    const Index shown = std::min<Index>(8, length - 1);
    const Var window_loss = cross_entropy(gpt.logits(slice(ids, 1, 0, shown), true), slice(ids, 1, 1, shown + 1));
    page.add_graph(fmt::format("the loss on \"{}\", each character predicting the next",
                               text_of(vocab, {sample.begin(), sample.begin() + shown + 1})),
                   window_loss, &gpt);
    page.save("14_gpt");
  }

  // ## 8. A model to keep
  //
  // `14_gpt --load <out>/14_gpt.ckpt --sample` (with the same --text and
  // --quick as this run) samples from it again without training.
  const std::string checkpoint = options.output_path("14_gpt.ckpt");
  save_checkpoint(checkpoint, gpt);
  fmt::print("\nwrote {}\n", checkpoint);

  // The headlines: the timeline's held-out score falls; the GPT beats the bigram counts by the margin (quick
  // mode, one small block and a second of training: a smaller one); the
  // unmasked model's training loss is far under the masked one's while its
  // honest held-out score is far over it, and its samples stutter (a fifth
  // of their characters or more, and three times the masked model's share,
  // repeat the one before); the cache
  // changes no character.
  const bool beats_bigram = gpt_bits <= bigram - margin;
  if (!timeline_falls) fmt::print("\nthe timeline's held-out bits per character did not fall by 2\n");
  const bool mask_matters = tail(open_losses) <= tail(gpt_losses) - 1 && open_bits >= gpt_bits + 1 &&
                            open_samples.repeated_characters >= std::max(0.2, 3 * masked_samples.repeated_characters);
  if (!beats_bigram) fmt::print("\nthe GPT did not beat the bigram counts by {} bits per character\n", margin);
  if (!mask_matters) {
    fmt::print("\nthe model trained without the mask did not show the leak (wanted: training 1 bit under the masked "
               "model's, held-out 1 bit over, a fifth of its samples' characters and three times the masked model's share repeated)\n");
  }
  if (!same_tokens) fmt::print("\ngenerating with the key-value cache changed a character\n");
  if (!too_high_shows) fmt::print("\nten times the learning rate did not show in the update ratio and the held-out bits\n");
  return beats_bigram && mask_matters && same_tokens && timeline_falls && too_high_shows ? 0 : 1;
}
