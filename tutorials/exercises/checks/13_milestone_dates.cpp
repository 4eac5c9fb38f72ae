// Grades the milestone: predict against the library's Attention and Dense,
// then an encoder-decoder made of the learner's pieces trained on tutorial
// 09's dates, scored on held-out dates it never saw.
#include "tutorials/exercises/13_milestone_dates.h"
#include "tutorials/exercises/checks/library_dense.h"
#include "tutorials/exercises/checks/your_cross_entropy.h"
#include "tutorials/exercises/checks/your_lstm_step.h"
#include "tutorials/exercises/grading.h"

#include "nn/nn.h"
#include "tutorials/common/translation_task.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>

using namespace atto;
using namespace atto::exercise;
using namespace atto::tutorial;

namespace {

constexpr Index kEmbedding = 16, kUnits = 48, kDateSteps = 11;  // "yyyy-mm-dd" and <end>

// An LSTM's weights, Keras's initialisation with the forget gate's bias at 1.
struct RecurrentWeights {
  Var kernel, recurrent, bias;
  RecurrentWeights(Index input, Generator& gen)
      : kernel(init::glorot_uniform({input, 4 * kUnits}, gen), true),
        recurrent(init::orthogonal({kUnits, 4 * kUnits}, 1, gen), true),
        bias(concat({zeros({kUnits}), ones({kUnits}), zeros({2 * kUnits})}, 0), true) {}
};

// The encoder-decoder of tutorial 09, made of the learner's pieces.
class DateModel : public Module {
 public:
  DateModel(Index vocab, Generator& gen)
      : source_embedding_(vocab, kEmbedding, Vocabulary::kPad, gen),
        target_embedding_(vocab, kEmbedding, Vocabulary::kPad, gen),
        encoder_(kEmbedding, gen),
        decoder_(kEmbedding, gen),
        attentional_(2 * kUnits, kUnits, gen),
        vocabulary_(kUnits, vocab, gen),
        scale_(full({}, 1), true) {
    register_module("source_embedding", source_embedding_);
    register_module("target_embedding", target_embedding_);
    for (auto [name, weights] : {std::pair{"encoder", &encoder_}, std::pair{"decoder", &decoder_}}) {
      register_parameter(std::string(name) + ".kernel", weights->kernel);
      register_parameter(std::string(name) + ".recurrent", weights->recurrent);
      register_parameter(std::string(name) + ".bias", weights->bias);
    }
    register_module("attentional", attentional_);
    register_module("vocabulary", vocabulary_);
    register_parameter("scale", scale_);
  }
  std::string type_name() const override { return "DateModel"; }

  // Teacher forcing: source (B, Ts), decoder_input (B, Tt) -> logits (B, Tt, V).
  Var forward(const Tensor& source, const Tensor& decoder_input) {
    const Encoded encoded = encode(source);
    const Steps decoded = run(decoder_, target_embedding_(decoder_input), encoded.h, encoded.c, std::nullopt);
    return predict(head(), decoded.states, encoded.states, encoded.mask);
  }

  // Greedy decoding: source (B, Ts) -> (B, kDateSteps) token ids.
  Tensor translate(const Tensor& source) {
    const NoGradGuard no_graph;
    const Encoded encoded = encode(source);
    const Index batch = source.dim(0);
    Tensor token = full({batch, 1}, Real(Vocabulary::kStart)), tokens = zeros({batch, kDateSteps});
    Var h = encoded.h, c = encoded.c;
    for (Index t = 0; t < kDateSteps; ++t) {
      const Steps step = run(decoder_, target_embedding_(token), h, c, std::nullopt);
      h = step.h;
      c = step.c;
      token = argmax(predict(head(), step.states, encoded.states, encoded.mask).value(), -1);  // (B, 1)
      for (Index b = 0; b < batch; ++b) tokens.at({b, t}) = token.at({b, 0});
    }
    return tokens;
  }

 private:
  struct Steps {
    Var states, h, c;  // (B, T, H), and the last state, each (B, H)
  };
  struct Encoded {
    Var states, h, c;
    Tensor mask;  // (B, Ts): 1 at real tokens
  };

  AttentionHead head() { return {attentional_, vocabulary_, scale_}; }

  // The learner's cell over inputs (B, T, E) from (h, c); where mask (B, T)
  // is 0 (padding) the state is carried unchanged.
  static Steps run(const RecurrentWeights& w, const Var& inputs, Var h, Var c, const std::optional<Tensor>& mask) {
    const Index batch = inputs.shape()[0], steps = inputs.shape()[1];
    std::vector<Var> states;
    for (Index t = 0; t < steps; ++t) {
      const Var x = reshape(slice(inputs, 1, t, t + 1), {batch, kEmbedding});
      const Var both = your_lstm_step(x, h, c, w.kernel, w.recurrent, w.bias);
      Var next_h = slice(both, 1, 0, kUnits), next_c = slice(both, 1, kUnits, 2 * kUnits);
      if (mask) {
        const Tensor keep = slice(*mask, 1, t, t + 1);  // (B, 1)
        next_h = next_h * Var(keep) + h * Var(Real(1) - keep);
        next_c = next_c * Var(keep) + c * Var(Real(1) - keep);
      }
      h = next_h;
      c = next_c;
      states.push_back(unsqueeze(h, 1));
    }
    return {concat(states, 1), h, c};
  }

  Encoded encode(const Tensor& source) {
    const Tensor mask = padding_mask(source);
    const Index batch = source.dim(0);
    const Var zero(zeros({batch, kUnits}));
    const Steps steps = run(encoder_, source_embedding_(source), zero, zero, mask);
    return {steps.states, steps.h, steps.c, mask};
  }

  Embedding source_embedding_, target_embedding_;
  RecurrentWeights encoder_, decoder_;
  MyDense attentional_, vocabulary_;
  Var scale_;
};

// What the training check leaves for the held-out check.
struct Trained {
  std::unique_ptr<DateModel> model;
  std::vector<Real> losses;  // per epoch
  double seconds = 0;
};

Trained train(const DateSplits& data, const Vocabulary& chars) {
  Generator gen(7);
  Trained trained{std::make_unique<DateModel>(chars.size(), gen), {}, 0};
  const ParallelCorpus corpus = make_corpus(data.train, chars, chars);
  const std::vector<Var> parameters = trained.model->parameters();
  Adam adam(parameters, {.lr = 0.01});
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < 6; ++epoch) {
    Real total = 0;
    Index batches = 0;
    for (const std::vector<Index>& batch : batches_by_length(corpus.source, 32, gen)) {
      const Tensor target = take_trimmed(corpus.decoder_target, batch);
      const Var logits = trained.model->forward(take_trimmed(corpus.source, batch), take_trimmed(corpus.decoder_input, batch));
      std::vector<Index> targets;
      for (Index i = 0; i < target.numel(); ++i) targets.push_back(static_cast<Index>(target.data()[i]));
      const Var loss = your_cross_entropy(reshape(logits, {target.numel(), chars.size()}), Ids(std::move(targets)), Vocabulary::kPad);
      adam.zero_grad();
      loss.backward();
      clip_grad_norm(parameters, 1);
      adam.step();
      total += loss.item();
      ++batches;
    }
    trained.losses.push_back(total / static_cast<Real>(batches));
    adam.set_learning_rate(adam.learning_rate() * 0.8);
    fmt::print("        epoch {}: mean loss {:.3f}\n", epoch + 1, trained.losses.back());
  }
  trained.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return trained;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "Exercise 13, the milestone: your pieces learn tutorial 09's dates");
  grader.check("predict against the library's Attention(use_scale=True) and Dense layers", [] {
    Generator gen(1);
    MyDense attentional(2 * 4, 4, gen), vocabulary(4, 6, gen);
    const Var decoder_states(gen.normal({2, 3, 4})), encoder_states(gen.normal({2, 5, 4}));
    const Tensor mask = tensor({{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}});
    const Var logits = predict({attentional, vocabulary, Var(full({}, 0.8))}, decoder_states, encoder_states, mask);
    Attention attention({.use_scale = true});
    attention.named_parameters().at(0).second.mutable_value().fill(0.8);
    const Var context = attention(decoder_states, encoder_states, {.value_mask = mask}).output;
    const Var combined = (*library_dense(attentional, Activation::tanh))(concat({context, decoder_states}, 2));
    return compare("the logits", logits.value(), (*library_dense(vocabulary))(combined).value());
  });
  const DateSplits data = make_date_splits(6000, 0, 100, 7);
  const Vocabulary chars = shared_vocabulary(data.train, Tokenization::characters);
  std::optional<Trained> trained;
  grader.check("6 epochs on 6,000 dates: the loss falls below a third of the first epoch's", [&] {
    trained = train(data, chars);
    const Real first = trained->losses.front(), last = trained->losses.back();
    fmt::print("        ({:.1f} s of training)\n", trained->seconds);
    return last < first / 3 ? std::string() : fmt::format("the loss went from {:.3f} to {:.3f} only", first, last);
  });
  grader.check("held-out dates (300 never seen in training) normalised exactly: at least 80%", [&] {
    if (!trained) return std::string("training did not run");
    std::vector<std::string> predicted;
    const Tensor tokens = trained->model->translate(chars.encode_batch(sources_of(data.test)));
    for (Index n = 0; n < tokens.dim(0); ++n) predicted.push_back(chars.decode(slice(tokens, 0, n, n + 1).reshape({kDateSteps})));
    const Real accuracy = exact_match(predicted, data.test);
    fmt::print("        \"{}\" -> \"{}\"; {:.1f}% exactly right\n", data.test.front().source, predicted.front(), 100 * accuracy);
    return accuracy >= 0.8 ? std::string() : fmt::format("{:.1f}% of held-out dates exactly right", 100 * accuracy);
  });
  return grader.finish();
}
