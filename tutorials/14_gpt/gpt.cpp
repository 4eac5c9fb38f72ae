#include "tutorials/14_gpt/gpt.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace atto::tutorial {

namespace {

// ids (B, T) as a tensor.
Tensor id_tensor(const std::vector<Index>& ids, Index batch, Index length) {
  Tensor t = Tensor::empty({batch, length});
  for (Index i = 0; i < batch * length; ++i) t.data()[i] = static_cast<Real>(ids[static_cast<std::size_t>(i)]);
  return t;
}

Tensor positions_tensor(Index first, Index length) {
  Tensor t = Tensor::empty({1, length});
  for (Index i = 0; i < length; ++i) t.data()[i] = static_cast<Real>(first + i);
  return t;
}

constexpr double kLog2 = 0.6931471805599453;

}  // namespace

Gpt::Block::Block(const GptConfig& config, Generator& gen)
    : norm1(config.d_model),
      norm2(config.d_model),
      attention({.num_heads = config.num_heads, .key_dim = config.d_model / config.num_heads,
                 .query_features = config.d_model},
                gen),
      feedforward1(config.d_model, {.units = config.feedforward, .activation = Activation::relu}, gen),
      feedforward2(config.feedforward, {.units = config.d_model}, gen) {}

Gpt::Gpt(const GptConfig& config, const std::vector<std::uint32_t>& code_points, Generator& gen)
    : config_(config),
      tokens_(config.vocab, config.d_model, std::nullopt, gen),
      positions_(config.context, config.d_model, std::nullopt, gen),
      final_norm_(config.d_model),
      output_(config.d_model, {.units = config.vocab}, gen) {
  register_module("tokens", tokens_);
  register_module("positions", positions_);
  for (Index l = 0; l < config.layers; ++l) {
    blocks_.push_back(std::make_unique<Block>(config, gen));
    Block& b = *blocks_.back();
    const std::string name = fmt::format("block{}", l);
    register_module(name + "_norm1", b.norm1);
    register_module(name + "_attention", b.attention);
    register_module(name + "_norm2", b.norm2);
    register_module(name + "_feedforward1", b.feedforward1);
    register_module(name + "_feedforward2", b.feedforward2);
  }
  register_module("final_norm", final_norm_);
  register_module("output", output_);
  Tensor sizes = Tensor::empty({6});
  const Index values[] = {config.vocab, config.context, config.d_model, config.num_heads, config.layers, config.feedforward};
  for (Index i = 0; i < 6; ++i) sizes.data()[i] = static_cast<Real>(values[i]);
  Tensor points = Tensor::empty({static_cast<Index>(code_points.size())});
  for (std::size_t i = 0; i < code_points.size(); ++i) points.data()[i] = static_cast<Real>(code_points[i]);
  sizes_ = Var(sizes, true);
  code_points_ = Var(points, true);
  register_parameter("stored_sizes", sizes_);
  register_parameter("stored_vocabulary", code_points_);
}

std::vector<Var> Gpt::trainable() const {
  std::vector<Var> out;
  for (const auto& [name, parameter] : named_parameters()) {
    if (name.rfind("stored_", 0) != 0) out.push_back(parameter);
  }
  return out;
}

Var Gpt::forward(const Tensor& ids, bool causal, std::vector<Tensor>* weights) {
  Var x = tokens_(ids) + positions_(positions_tensor(0, ids.dim(1)));
  for (auto& block : blocks_) {
    const Var normed = block->norm1(x);
    const auto attended = block->attention(normed, normed, {.use_causal_mask = causal, .return_attention_scores = weights != nullptr});
    x = x + attended.output;
    if (weights != nullptr) weights->push_back(attended.weights.value());
    x = x + block->feedforward2(block->feedforward1(block->norm2(x)));
  }
  return output_(final_norm_(x));
}

Tensor Gpt::step(Index token, Index position, std::vector<KeyValueCache>& caches) {
  const NoGradGuard no_graph;
  Var x = tokens_(full({1, 1}, static_cast<Real>(token))) + positions_(positions_tensor(position, 1));
  for (std::size_t l = 0; l < blocks_.size(); ++l) {
    Block& block = *blocks_[l];
    x = x + Var(block.attention.step(block.norm1(x).value(), caches[l]).output.value());
    x = x + block.feedforward2(block.feedforward1(block.norm2(x)));
  }
  return output_(final_norm_(x)).value().reshape({config_.vocab});
}

std::vector<Index> Gpt::stored_sizes() const {
  std::vector<Index> out;
  for (Index i = 0; i < sizes_.value().numel(); ++i) out.push_back(static_cast<Index>(sizes_.value().data()[i]));
  return out;
}

std::vector<std::uint32_t> Gpt::stored_code_points() const {
  std::vector<std::uint32_t> out;
  for (Index i = 0; i < code_points_.value().numel(); ++i) {
    out.push_back(static_cast<std::uint32_t>(code_points_.value().data()[i]));
  }
  return out;
}

double bits_per_char(CharModel& model, const std::vector<Index>& ids, Index context, bool causal) {
  const NoGradGuard no_graph;
  const Index windows = static_cast<Index>(ids.size() - 1) / context;
  double nats = 0;
  for (Index first = 0; first < windows; first += 64) {
    const Index batch = std::min<Index>(64, windows - first);
    std::vector<Index> inputs, targets;
    for (Index w = first; w < first + batch; ++w) {
      const auto start = ids.begin() + w * context;
      inputs.insert(inputs.end(), start, start + context);
      targets.insert(targets.end(), start + 1, start + context + 1);
    }
    const Tensor logp = log_softmax(model.logits(id_tensor(inputs, batch, context), causal).value());
    const Index vocab = logp.dim(2);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      nats -= logp.data()[static_cast<Index>(i) * vocab + targets[i]];
    }
  }
  return nats / kLog2 / static_cast<double>(windows * context);
}

std::vector<double> train_chars(CharModel& model, const std::vector<Index>& ids, Index context, Index steps,
                                Index batch, Real learning_rate, bool causal, Generator& gen,
                                TimelineRecorder* recorder, Index schedule_steps) {
  const std::vector<Var> parameters = model.trainable();
  const auto schedule = static_cast<double>(schedule_steps > 0 ? schedule_steps : steps);
  Adam adam(parameters, {.lr = learning_rate});
  std::vector<double> losses;
  const Index starts = static_cast<Index>(ids.size()) - context - 1;
  for (Index s = 0; s < steps; ++s) {
    std::vector<Index> inputs, targets;
    for (Index b = 0; b < batch; ++b) {
      const auto start = ids.begin() + gen.randint(starts);
      inputs.insert(inputs.end(), start, start + context);
      targets.insert(targets.end(), start + 1, start + context + 1);
    }
    // The learning rate falls linearly to a tenth over the schedule.
    adam.set_learning_rate(learning_rate * static_cast<Real>(1 - 0.9 * static_cast<double>(s) / schedule));
    adam.zero_grad();
    const Var loss = cross_entropy(model.logits(id_tensor(inputs, batch, context), causal), id_tensor(targets, batch, context));
    loss.backward();
    clip_grad_norm(parameters, 1);
    if (recorder != nullptr) recorder->before_update(s);
    adam.step();
    losses.push_back(static_cast<double>(loss.value().item()) / kLog2);
    if (recorder != nullptr) recorder->after_update(s, {{"training bits per character", losses.back()}});
  }
  return losses;
}

Var probe_attention(Gpt& model, const std::vector<Index>& ids, const std::vector<std::string>& tokens, Timeline& timeline) {
  const auto length = static_cast<Index>(tokens.size());
  Tensor inputs = Tensor::empty({1, length}), targets = Tensor::empty({1, length});
  for (Index i = 0; i < length; ++i) {
    inputs.data()[i] = static_cast<Real>(ids[static_cast<std::size_t>(i)]);
    targets.data()[i] = static_cast<Real>(ids[static_cast<std::size_t>(i + 1)]);
  }
  std::vector<Tensor> weights;
  const Var logits = model.forward(inputs, true, &weights);
  for (std::size_t l = 0; l < weights.size(); ++l) {
    std::vector<Tensor> heads;
    for (Index h = 0; h < model.config().num_heads; ++h) {
      heads.push_back(slice(weights[l], 1, h, h + 1).reshape({length, length}));
    }
    timeline.add_map({.title = fmt::format("layer {}", l), .rows = tokens, .cols = tokens, .heads = heads,
                      .row_label = "character", .col_label = "looks at"});
  }
  return cross_entropy(logits, targets);
}

Index sample_id(const Tensor& logits, double temperature, Index top_k, Generator& gen) {
  const Index vocab = logits.numel();
  std::vector<double> scores(logits.data(), logits.data() + vocab);
  scores[0] = -INFINITY;  // <unk>
  if (temperature <= 0) return static_cast<Index>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  if (top_k > 0 && top_k < vocab) {
    std::vector<double> sorted = scores;
    std::nth_element(sorted.begin(), sorted.begin() + (top_k - 1), sorted.end(), std::greater<>());
    const double kth = sorted[static_cast<std::size_t>(top_k - 1)];
    for (double& s : scores) {
      if (s < kth) s = -INFINITY;
    }
  }
  const double top = *std::max_element(scores.begin(), scores.end());
  double total = 0;
  for (double& s : scores) total += (s = std::exp((s - top) / temperature));
  double u = gen.next_double() * total;
  for (Index i = 0; i < vocab; ++i) {
    u -= scores[static_cast<std::size_t>(i)];
    if (u < 0 && scores[static_cast<std::size_t>(i)] > 0) return i;
  }
  return static_cast<Index>(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

std::vector<Index> generate(Gpt& model, const std::vector<Index>& prompt, double temperature, Index top_k,
                            Generator& gen, bool use_cache) {
  const NoGradGuard no_graph;
  const Index context = model.config().context;
  std::vector<Index> ids = prompt;
  std::vector<KeyValueCache> caches(static_cast<std::size_t>(model.config().layers));
  Index fed = 0;  // positions already in the caches
  while (static_cast<Index>(ids.size()) < context) {
    Tensor next;
    if (use_cache) {
      for (; fed < static_cast<Index>(ids.size()); ++fed) next = model.step(ids[static_cast<std::size_t>(fed)], fed, caches);
    } else {
      const auto length = static_cast<Index>(ids.size());
      const Tensor logits = model.logits(id_tensor(ids, 1, length), true).value();
      next = slice(logits, 1, length - 1, length).reshape({model.config().vocab});
    }
    ids.push_back(sample_id(next, temperature, top_k, gen));
  }
  return ids;
}

}  // namespace atto::tutorial
