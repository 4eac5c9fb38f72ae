// Tutorial 14's models: a decoder-only Transformer over characters (a small
// GPT) and the bigram network it is measured against, with what training,
// held-out scoring and sampling need.
#pragma once

#include "nn/nn.h"

#include <memory>
#include <string>
#include <vector>

namespace atto::tutorial {

// Anything that turns ids (B, T) into next-character logits (B, T, V).
class CharModel : public Module {
 public:
  // causal: each position sees itself and the positions before it only.
  virtual Var logits(const Tensor& ids, bool causal) = 0;
  // The parameters the optimiser updates.
  virtual std::vector<Var> trainable() const { return parameters(); }
};

// One Embedding row per character: the logits of the next character from
// this one alone.
class BigramNet : public CharModel {
 public:
  BigramNet(Index vocab, Generator& gen) : table_(vocab, vocab, std::nullopt, gen) { register_module("table", table_); }
  Var logits(const Tensor& ids, bool /*causal*/) override { return table_(ids); }
  std::string type_name() const override { return "BigramNet"; }

 private:
  Embedding table_;
};

struct GptConfig {
  Index vocab = 0, context = 64, d_model = 64, num_heads = 4, layers = 2, feedforward = 128;
  bool causal = true;  // false: the ablation, trained seeing the whole window
  bool operator==(const GptConfig&) const = default;
};

// x = token embedding + learned position embedding; per block (pre-norm)
// x += attention(LN1(x)), x += FF(LN2(x)); logits = Dense(LN(x)). The
// output layer has its own weights (not tied to the token embedding).
// Two extra entries travel in its checkpoints: the vocabulary's code points
// and the sizes, never trained, compared on loading.
class Gpt : public CharModel {
 public:
  Gpt(const GptConfig& config, const std::vector<std::uint32_t>& code_points, Generator& gen);
  std::string type_name() const override { return "Gpt"; }
  const GptConfig& config() const { return config_; }

  Var logits(const Tensor& ids, bool causal) override { return forward(ids, causal, nullptr); }
  // weights, when given, gets each layer's attention (B, heads, T, T).
  Var forward(const Tensor& ids, bool causal, std::vector<Tensor>* weights);
  std::vector<Var> trainable() const override;

  // Decoding one position at a time: token id at `position`, each layer's
  // keys and values kept in caches (one per layer); the next logits (V).
  Tensor step(Index token, Index position, std::vector<KeyValueCache>& caches);

  // What a checkpoint says it was made for: sizes (vocab, context, d_model,
  // heads, layers, feedforward) and the vocabulary's code points.
  std::vector<Index> stored_sizes() const;
  std::vector<std::uint32_t> stored_code_points() const;

 private:
  struct Block {
    Block(const GptConfig& config, Generator& gen);
    LayerNorm norm1, norm2;
    MultiHeadAttention attention;
    Dense feedforward1, feedforward2;
  };
  GptConfig config_;
  Embedding tokens_, positions_;
  std::vector<std::unique_ptr<Block>> blocks_;
  LayerNorm final_norm_;
  Dense output_;
  Var sizes_, code_points_;
};

// Held-out bits per character of a model: the text cut into windows of
// `context` characters, each character predicted from the ones before it
// in its window (a window's first target from one); every character but
// the text's first is scored once.
double bits_per_char(CharModel& model, const std::vector<Index>& ids, Index context, bool causal);

// One training run: random windows of `context` + 1 characters, Adam with
// gradient clipping, the learning rate falling linearly to a tenth over
// `schedule_steps` (0: over this run's `steps`; a run stopped early on a
// longer run's schedule passes that run's steps). Returns the loss of each
// step, in bits per character. A recorder, when given, sees every step
// (nn/timeline_recorder.h).
std::vector<double> train_chars(CharModel& model, const std::vector<Index>& ids, Index context, Index steps,
                                Index batch, Real learning_rate, bool causal, Generator& gen,
                                TimelineRecorder* recorder = nullptr, Index schedule_steps = 0);

// A timeline's probe (nn/timeline_recorder.h): `ids` (T + 1 characters)
// through the model, each layer's attention over the first T added to the
// timeline as a map of its heads, named by `tokens`; returns the loss of
// predicting each next character, whose graph the timeline keeps.
Var probe_attention(Gpt& model, const std::vector<Index>& ids, const std::vector<std::string>& tokens, Timeline& timeline);

// The next id from logits (V): temperature 0 takes the argmax, top_k > 0
// keeps the k likeliest; <unk> (id 0) is never drawn.
Index sample_id(const Tensor& logits, double temperature, Index top_k, Generator& gen);

// Continues `prompt` up to the model's context: with the key-value cache,
// or feeding the whole prefix again at each step.
std::vector<Index> generate(Gpt& model, const std::vector<Index>& prompt, double temperature, Index top_k,
                            Generator& gen, bool use_cache);

}  // namespace atto::tutorial
