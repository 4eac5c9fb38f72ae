// Training and scoring a Translator on pairs of texts: the plumbing that
// tutorials 08, 09 and 12 share, so each tutorial shows only what is new.
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
};

// Adam on the mean cross-entropy of the next target token (padding ignored).
// `validate`, if given, is called after each epoch and its accuracy printed.
// Returns the mean training loss of each epoch.
std::vector<Real> train_translator(Translator& model, const ParallelCorpus& corpus, const TrainingOptions& options,
                                   Generator& gen, const std::function<Real()>& validate = {});

// Greedy translations of many texts, in batches; with `alignments`, also each
// text's attention weights, (output tokens, source tokens), trimmed to the
// real tokens. An output step per target token plus one for <end>.
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
