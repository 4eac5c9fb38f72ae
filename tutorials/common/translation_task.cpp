#include "tutorials/common/translation_task.h"

#include <fmt/format.h>

#include <algorithm>

namespace atto::tutorial {

namespace {

Index real_length(const Tensor& ids, Index row) {
  const Index width = ids.dim(1);
  Index length = 0;
  for (Index i = 0; i < width; ++i) {
    if (ids.data()[row * width + i] != Real(Vocabulary::kPad)) length = i + 1;
  }
  return length;
}

}  // namespace

std::vector<std::vector<Index>> batches_by_length(const Tensor& source, Index batch_size, Generator& gen) {
  const Index rows = source.dim(0);
  std::vector<std::pair<double, Index>> order;  // (length + a random fraction, row)
  for (Index row = 0; row < rows; ++row) order.emplace_back(static_cast<double>(real_length(source, row)) + gen.next_double(), row);
  std::sort(order.begin(), order.end());
  std::vector<std::vector<Index>> batches;
  for (Index begin = 0; begin < rows; begin += batch_size) {
    std::vector<Index>& batch = batches.emplace_back();
    for (Index i = begin; i < std::min(rows, begin + batch_size); ++i) batch.push_back(order[i].second);
  }
  for (Index i = static_cast<Index>(batches.size()) - 1; i > 0; --i) std::swap(batches[i], batches[gen.randint(i + 1)]);
  return batches;
}

Tensor take_trimmed(const Tensor& ids, const std::vector<Index>& rows) {
  const Tensor picked = take(ids, rows);
  Index longest = 0;
  for (Index row = 0; row < picked.dim(0); ++row) longest = std::max(longest, real_length(picked, row));
  return slice(picked, 1, 0, longest);
}

Vocabulary shared_vocabulary(const std::vector<Translation>& pairs, Tokenization tokenization) {
  std::vector<std::string> texts = sources_of(pairs);
  for (const std::string& target : targets_of(pairs)) texts.push_back(target);
  return Vocabulary::from_texts(texts, tokenization);
}

ParallelCorpus make_corpus(const std::vector<Translation>& pairs, const Vocabulary& source_vocab,
                           const Vocabulary& target_vocab) {
  const std::vector<std::string> targets = targets_of(pairs);
  return {source_vocab.encode_batch(sources_of(pairs)), target_vocab.encode_batch(targets, {.start = true}),
          target_vocab.encode_batch(targets, {.end = true})};
}

Index training_steps(const ParallelCorpus& corpus, const TrainingOptions& options) {
  return options.epochs * ((corpus.source.dim(0) + options.batch_size - 1) / options.batch_size);
}

std::vector<Real> train_translator(Translator& model, const ParallelCorpus& corpus, const TrainingOptions& options,
                                   Generator& gen, const std::function<Real()>& validate) {
  TranslatorSeq2Seq adapted(model);
  return train_translator(adapted, corpus, options, gen, validate);
}

std::vector<std::string> translate_texts(Translator& model, const std::vector<std::string>& sources,
                                         const Vocabulary& source_vocab, const Vocabulary& target_vocab,
                                         Index max_steps, std::vector<Tensor>* alignments) {
  TranslatorSeq2Seq adapted(model);
  return translate_texts(adapted, sources, source_vocab, target_vocab, max_steps, alignments);
}

std::vector<Real> train_translator(Seq2Seq& model, const ParallelCorpus& corpus, const TrainingOptions& options,
                                   Generator& gen, const std::function<Real()>& validate) {
  Module& module = model.module();
  module.train();
  const std::vector<Var> parameters = module.parameters();
  Adam adam(parameters, {.lr = options.learning_rate});
  const Index rows = corpus.source.dim(0);
  const Index batches_per_epoch = (rows + options.batch_size - 1) / options.batch_size;
  Progress progress(options.epochs, batches_per_epoch);
  progress.print_every(options.print_every);
  std::vector<Real> losses;
  Index step = 0;
  for (Index epoch = 0; epoch < options.epochs; ++epoch) {
    Real total = 0;
    for (const std::vector<Index>& batch : batches_by_length(corpus.source, options.batch_size, gen)) {
      const Var logits = model.forward(take_trimmed(corpus.source, batch), take_trimmed(corpus.decoder_input, batch));
      const Var loss = cross_entropy(logits, take_trimmed(corpus.decoder_target, batch), Vocabulary::kPad);
      adam.zero_grad();
      loss.backward();
      clip_grad_norm(parameters, options.clip_norm);
      if (options.recorder) options.recorder->before_update(step);
      adam.step();
      if (options.recorder) options.recorder->after_update(step, {{"training loss", loss.item()}});
      ++step;
      total += loss.item();
      progress.batch_done(static_cast<Index>(batch.size()));
    }
    losses.push_back(total / static_cast<Real>(batches_per_epoch));
    adam.set_learning_rate(adam.learning_rate() * options.decay);
    if (validate) {
      const Real accuracy = validate();
      module.train();
      progress.epoch_done(losses.back(), accuracy);
    } else {
      progress.epoch_done(losses.back());
    }
  }
  module.eval();
  return losses;
}

std::vector<std::string> translate_texts(Seq2Seq& model, const std::vector<std::string>& sources,
                                         const Vocabulary& source_vocab, const Vocabulary& target_vocab,
                                         Index max_steps, std::vector<Tensor>* alignments) {
  constexpr std::size_t kBatch = 512;
  std::vector<std::string> outputs;
  for (std::size_t begin = 0; begin < sources.size(); begin += kBatch) {
    const std::vector<std::string> chunk(sources.begin() + static_cast<std::ptrdiff_t>(begin),
                                         sources.begin() + static_cast<std::ptrdiff_t>(std::min(begin + kBatch, sources.size())));
    const Translator::Output result = model.translate(source_vocab.encode_batch(chunk), max_steps);
    for (std::size_t n = 0; n < chunk.size(); ++n) {
      const Index row = static_cast<Index>(n);
      const Tensor tokens = slice(result.tokens, 0, row, row + 1).reshape({max_steps});
      outputs.push_back(target_vocab.decode(tokens));
      if (alignments) {
        // Output steps up to and including <end>; source positions that hold tokens.
        const Index produced = std::min<Index>(max_steps, static_cast<Index>(target_vocab.split(outputs.back()).size()) + 1);
        const Index read = static_cast<Index>(source_vocab.split(chunk[n]).size());
        const Tensor weights = slice(result.alignment, 0, row, row + 1).reshape({max_steps, result.alignment.dim(2)});
        alignments->push_back(slice(slice(weights, 0, 0, produced), 1, 0, read));
      }
    }
  }
  return outputs;
}

Real exact_match(const std::vector<std::string>& predicted, const std::vector<Translation>& pairs) {
  Index right = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) right += predicted[i] == pairs[i].target ? 1 : 0;
  return static_cast<Real>(right) / static_cast<Real>(std::max<std::size_t>(pairs.size(), 1));
}

std::vector<Real> exact_match_by_bucket(const std::vector<std::string>& predicted,
                                        const std::vector<Translation>& pairs) {
  std::vector<Real> right(std::size(kDateBuckets), 0), count(std::size(kDateBuckets), 0);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const int bucket = date_bucket(pairs[i].source);
    count[bucket] += 1;
    right[bucket] += predicted[i] == pairs[i].target ? 1 : 0;
  }
  for (std::size_t b = 0; b < right.size(); ++b) right[b] = count[b] > 0 ? right[b] / count[b] : 0;
  return right;
}

void print_date_scores(const std::string& left_name, const DateScore& left, const std::string& right_name,
                       const DateScore& right) {
  fmt::print("  {:<16} {:>18} {:>18}\n", "input length", left_name, right_name);
  for (std::size_t b = 0; b < left.by_bucket.size(); ++b) {
    fmt::print("  {:<16} {:>17.1f}% {:>17.1f}%\n", kDateBuckets[b].name, 100 * left.by_bucket[b],
               100 * right.by_bucket[b]);
  }
  fmt::print("  {:<16} {:>17.1f}% {:>17.1f}%\n", "all", 100 * left.all, 100 * right.all);
  fmt::print("  {:<16} {:>17.1f}s {:>17.1f}s\n", "training time", left.training_seconds, right.training_seconds);
}

}  // namespace atto::tutorial
