// Training and scoring a Translator on pairs of texts: the plumbing that
// tutorials 08, 09, 12 and 13 share, so each tutorial shows only what is new.
#pragma once

#include "tutorials/common/dates.h"
#include "nn/nn.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace atto::tutorial {

// Pairs as id tensors, padded on the right.
struct ParallelCorpus {
  Tensor source;          // (N, Ts)
  Tensor decoder_input;   // (N, Tt): <start> y1 ... yn
  Tensor decoder_target;  // (N, Tt): y1 ... yn <end>   (the input shifted by one)
};
// One vocabulary for both sides of the pairs (the date task's source and
// target share their digits).
Vocabulary shared_vocabulary(const std::vector<Translation>& pairs, Tokenization tokenization);

ParallelCorpus make_corpus(const std::vector<Translation>& pairs, const Vocabulary& source_vocab,
                           const Vocabulary& target_vocab);

// Batches of examples of similar source length, in random order: a batch is
// padded only to its own longest source, so the recurrent layers run few
// steps over padding. Within a length the order is random too, so batches
// differ between epochs.
std::vector<std::vector<Index>> batches_by_length(const Tensor& source, Index batch_size, Generator& gen);
// The rows of ids, cut after the last column that holds a token in any of them.
Tensor take_trimmed(const Tensor& ids, const std::vector<Index>& rows);

struct TrainingOptions {
  Index epochs = 10;
  Index batch_size = 32;
  Real learning_rate = 0.005;
  Real decay = 0.8;        // the learning rate is multiplied by this after each epoch
  Real clip_norm = 1;      // gradient norm clipping, the usual guard for recurrent nets
  Index print_every = 1;   // epoch lines
  // Records the run's timeline (nn/timeline_recorder.h), made for
  // training_steps(corpus, options) steps; none when null.
  TimelineRecorder* recorder = nullptr;
};

// The optimizer steps a training run takes: a step per batch, every epoch.
Index training_steps(const ParallelCorpus& corpus, const TrainingOptions& options);

// What training and translating need from an encoder-decoder: the
// library's Translator, or one a tutorial builds (tutorial 13's Transformer).
class Seq2Seq {
 public:
  virtual ~Seq2Seq() = default;
  virtual Module& module() = 0;
  // Teacher forcing: source (B, Ts), decoder_input (B, Tt) -> logits (B, Tt, V).
  virtual Var forward(const Tensor& source, const Tensor& decoder_input) = 0;
  // Greedy decoding, as Translator::translate.
  virtual Translator::Output translate(const Tensor& source, Index max_steps) = 0;
};

// The library's Translator as a Seq2Seq.
class TranslatorSeq2Seq : public Seq2Seq {
 public:
  explicit TranslatorSeq2Seq(Translator& model) : model_(model) {}
  Module& module() override { return model_; }
  Var forward(const Tensor& source, const Tensor& decoder_input) override {
    return model_.forward(source, decoder_input);
  }
  Translator::Output translate(const Tensor& source, Index max_steps) override {
    return model_.translate(source, max_steps);
  }

 private:
  Translator& model_;
};

// Adam on the mean cross-entropy of the next target token (padding ignored).
// `validate`, if given, is called after each epoch and its accuracy printed.
// Returns the mean training loss of each epoch.
std::vector<Real> train_translator(Seq2Seq& model, const ParallelCorpus& corpus, const TrainingOptions& options,
                                   Generator& gen, const std::function<Real()>& validate = {});
std::vector<Real> train_translator(Translator& model, const ParallelCorpus& corpus, const TrainingOptions& options,
                                   Generator& gen, const std::function<Real()>& validate = {});

// Greedy translations of many texts, in batches; with `alignments`, also each
// text's attention weights, (output tokens, source tokens), trimmed to the
// real tokens. An output step per target token plus one for <end>.
std::vector<std::string> translate_texts(Seq2Seq& model, const std::vector<std::string>& sources,
                                         const Vocabulary& source_vocab, const Vocabulary& target_vocab,
                                         Index max_steps, std::vector<Tensor>* alignments = nullptr);
std::vector<std::string> translate_texts(Translator& model, const std::vector<std::string>& sources,
                                         const Vocabulary& source_vocab, const Vocabulary& target_vocab,
                                         Index max_steps, std::vector<Tensor>* alignments = nullptr);

// The fraction of pairs translated exactly right, overall and per date length bucket.
Real exact_match(const std::vector<std::string>& predicted, const std::vector<Translation>& pairs);
std::vector<Real> exact_match_by_bucket(const std::vector<std::string>& predicted,
                                        const std::vector<Translation>& pairs);

// A model's exact match on held-out dates, and what its training cost.
struct DateScore {
  std::vector<Real> by_bucket;  // one per kDateBuckets entry
  Real all = 0;
  double training_seconds = 0;
};
// Two models side by side: a row per length bucket, then all and the training time.
void print_date_scores(const std::string& left_name, const DateScore& left, const std::string& right_name,
                       const DateScore& right);

}  // namespace atto::tutorial
