// The nn layers, losses and optimizers against PyTorch (and against Keras's
// formulas computed with torch ops where attograd follows Keras; each
// fixture's note says which). Parameters come from the fixture by their
// attograd names, so every parameter's gradient is compared too.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <memory>

#include "fixture.h"
#include "nn/nn.h"

using namespace atto;
using reference::Fixture;

TEST_CASE("reference: Dense with an activation") {
  for (const char* name : {"dense_relu", "dense_softmax"}) {
    CAPTURE(name);
    const Fixture fixture(name);
    Dense dense(4, {.units = 3, .activation = static_cast<Activation>(fixture.index_option("activation"))});
    fixture.load_parameters(dense);
    const auto inputs = fixture.inputs();
    fixture.check({{"y", dense(inputs.at("x"))}}, inputs, &dense);
  }
}

TEST_CASE("reference: Embedding with a padding row, and LayerNorm") {
  const Fixture embedding_fixture("embedding");
  Embedding embedding(5, 3, embedding_fixture.index_option("padding_index"));
  embedding_fixture.load_parameters(embedding);
  embedding_fixture.check({{"y", embedding(embedding_fixture.tensor("const.indices"))}}, {}, &embedding);

  const Fixture norm_fixture("layer_norm");
  LayerNorm norm(5);
  norm_fixture.load_parameters(norm);
  const auto inputs = norm_fixture.inputs();
  norm_fixture.check({{"y", norm(inputs.at("x"))}}, inputs, &norm);
}

TEST_CASE("reference: LSTM against torch.nn.LSTM, fused and composed") {
  for (LSTMImplementation implementation : {LSTMImplementation::fused, LSTMImplementation::composed}) {
    CAPTURE(static_cast<int>(implementation));
    const Fixture fixture("lstm_layer");
    LSTM lstm(3, 5, {.return_sequences = true, .implementation = implementation});
    fixture.load_parameters(lstm);
    const auto inputs = fixture.inputs();
    const auto result = lstm(inputs.at("x"), LSTMState{inputs.at("h0"), inputs.at("c0")});
    fixture.check({{"sequence", result.output}, {"h", result.state.h}, {"c", result.state.c}}, inputs, &lstm);
  }
}

TEST_CASE("reference: LSTM with a mask, last output only (Keras's formula)") {
  for (LSTMImplementation implementation : {LSTMImplementation::fused, LSTMImplementation::composed}) {
    CAPTURE(static_cast<int>(implementation));
    const Fixture fixture("lstm_layer_masked");
    LSTM lstm(3, 5, {.implementation = implementation});
    fixture.load_parameters(lstm);
    const auto inputs = fixture.inputs();
    fixture.check({{"h", lstm(inputs.at("x"), std::nullopt, fixture.tensor("const.mask")).output}}, inputs, &lstm);
  }
}

namespace {

AttentionMasks masks_of(const Fixture& fixture, const Var& key) {
  return {.key = key,
          .query_mask = fixture.has("const.query_mask") ? fixture.tensor("const.query_mask") : Tensor(),
          .value_mask = fixture.has("const.value_mask") ? fixture.tensor("const.value_mask") : Tensor(),
          .use_causal_mask = fixture.has_option("causal") && fixture.flag("causal")};
}

void check_attention(const Fixture& fixture, ScoredAttention& attention) {
  fixture.load_parameters(attention);
  const auto inputs = fixture.inputs();
  const auto result = attention(inputs.at("query"), inputs.at("value"), masks_of(fixture, inputs.at("key")));
  fixture.check({{"output", result.output}, {"weights", result.weights}}, inputs, &attention);
}

}  // namespace

TEST_CASE("reference: Attention, dot and concat, scaled, causal and masked") {
  for (const char* name :
       {"attention_dot", "attention_dot_scaled_masked", "attention_dot_causal", "attention_concat"}) {
    CAPTURE(name);
    const Fixture fixture(name);
    Attention attention({.use_scale = fixture.flag("use_scale"),
                         .score_mode = fixture.flag("concat") ? AttentionScore::concat : AttentionScore::dot});
    check_attention(fixture, attention);
  }
}

TEST_CASE("reference: AdditiveAttention with masks") {
  const Fixture fixture("additive_attention");
  AdditiveAttention attention(4, {.use_scale = fixture.flag("use_scale")});
  check_attention(fixture, attention);
}

TEST_CASE("reference: MultiHeadAttention, Keras's formula and torch's own module") {
  for (const char* name : {"multi_head_attention", "multi_head_attention_torch"}) {
    CAPTURE(name);
    const Fixture fixture(name);
    const auto inputs = fixture.inputs();
    MultiHeadAttention attention({.num_heads = fixture.index_option("num_heads"),
                                  .key_dim = fixture.index_option("key_dim"),
                                  .value_dim = fixture.index_option("value_dim"),
                                  .query_features = inputs.at("query").shape()[2],
                                  .value_features = inputs.at("value").shape()[2],
                                  .output_shape = {fixture.index_option("output_dim")}});
    fixture.load_parameters(attention);
    const auto result =
        attention(inputs.at("query"), inputs.at("value"),
                  {.query_mask = fixture.has("const.query_mask") ? fixture.tensor("const.query_mask") : Tensor(),
                   .value_mask = fixture.tensor("const.value_mask"),
                   .return_attention_scores = true});
    fixture.check({{"output", result.output}, {"weights", result.weights}}, inputs, &attention);
  }
}

TEST_CASE("reference: losses") {
  const Fixture ce("cross_entropy");
  auto inputs = ce.inputs();
  ce.check({{"loss", cross_entropy(inputs.at("logits"), ce.tensor("const.targets"), ce.index_option("ignore_index"))}},
           inputs);

  const Fixture mse("mse_loss");
  inputs = mse.inputs();
  mse.check({{"loss", mse_loss(inputs.at("prediction"), mse.tensor("const.target"))}}, inputs);

  const Fixture bce("binary_cross_entropy_with_logits");
  inputs = bce.inputs();
  bce.check({{"loss", binary_cross_entropy_with_logits(inputs.at("logits"), bce.tensor("const.target"))}}, inputs);
}

namespace {

// Steps with the fixture's gradients: the weight after each must match torch.optim's.
void check_optimizer_steps(const std::string& name,
                           const std::function<std::unique_ptr<Optimizer>(const Fixture&, Var)>& make) {
  CAPTURE(name);
  const Fixture fixture(name);
  Var weight(fixture.tensor("param.weight").clone(), true);
  const auto optimizer = make(fixture, weight);
  int steps = 0;
  for (; fixture.has(fmt::format("const.grad.{}", steps)); ++steps) {
    CAPTURE(steps);
    weight.set_grad(fixture.tensor(fmt::format("const.grad.{}", steps)).clone());
    optimizer->step();
    reference::check_close(weight.value(), fixture.tensor(fmt::format("output.weight.{}", steps)), name);
  }
  CHECK(steps == 3);
}

}  // namespace

TEST_CASE("reference: the first steps of SGD with momentum, Nesterov, Adam and AdamW") {
  for (const char* name : {"sgd_momentum", "sgd_nesterov"}) {
    check_optimizer_steps(name, [](const Fixture& f, Var weight) {
      return std::make_unique<SGD>(std::vector<Var>{weight}, SGDOptions{.lr = f.option("lr"),
                                                                        .momentum = f.option("momentum"),
                                                                        .weight_decay = f.option("weight_decay"),
                                                                        .nesterov = f.flag("nesterov")});
    });
  }
  check_optimizer_steps("adam", [](const Fixture& f, Var weight) {
    return std::make_unique<Adam>(
        std::vector<Var>{weight},
        AdamOptions{f.option("lr"), f.option("beta1"), f.option("beta2"), f.option("eps"), f.option("weight_decay")});
  });
  check_optimizer_steps("adamw", [](const Fixture& f, Var weight) {
    return std::make_unique<AdamW>(
        std::vector<Var>{weight},
        AdamOptions{f.option("lr"), f.option("beta1"), f.option("beta2"), f.option("eps"), f.option("weight_decay")});
  });
}

TEST_CASE("reference: Conv2D (same and strided, valid) and max_pool2d against torch's conv2d and max_pool2d") {
  for (const char* name : {"conv2d_same_strided", "conv2d_valid"}) {
    CAPTURE(name);
    const Fixture fixture(name);
    const auto inputs = fixture.inputs();
    const Index in_channels = inputs.at("x").shape()[3];
    Conv2D conv(in_channels, {.filters = fixture.tensor("param.bias").numel(),
                              .kernel_size = fixture.index_option("kernel_size"),
                              .strides = fixture.index_option("strides"),
                              .padding = static_cast<Padding>(fixture.index_option("padding")),
                              .activation = static_cast<Activation>(fixture.index_option("activation"))});
    fixture.load_parameters(conv);
    fixture.check({{"y", conv(inputs.at("x"))}}, inputs, &conv);
  }
  const Fixture pool_fixture("max_pool2d");
  const auto inputs = pool_fixture.inputs();
  pool_fixture.check({{"y", max_pool2d(inputs.at("x"), pool_fixture.index_option("pool"))}}, inputs);
}

TEST_CASE("reference: TransformerEncoderLayer and TransformerDecoderLayer against torch.nn's, pre- and post-norm") {
  for (const char* norm : {"pre_norm", "post_norm"}) {
    CAPTURE(norm);
    const Fixture encoder_fixture(std::string("transformer_encoder_") + norm);
    const TransformerOptions options{.features = encoder_fixture.index_option("d_model"),
                                     .num_heads = encoder_fixture.index_option("num_heads"),
                                     .intermediate_dim = encoder_fixture.index_option("feedforward"),
                                     .normalize_first = encoder_fixture.index_option("norm_first") == 1};
    TransformerEncoderLayer encoder(options);
    encoder_fixture.load_parameters(encoder);
    const auto encoder_inputs = encoder_fixture.inputs();
    encoder_fixture.check(
        {{"y", encoder(encoder_inputs.at("x"), {.padding_mask = encoder_fixture.tensor("const.padding_mask")}).output}},
        encoder_inputs, &encoder);

    const Fixture decoder_fixture(std::string("transformer_decoder_") + norm);
    TransformerDecoderLayer decoder(options);
    decoder_fixture.load_parameters(decoder);
    const auto decoder_inputs = decoder_fixture.inputs();
    decoder_fixture.check({{"y", decoder(decoder_inputs.at("x"), decoder_inputs.at("memory"),
                                         {.target_mask = decoder_fixture.tensor("const.target_mask"),
                                          .memory_mask = decoder_fixture.tensor("const.memory_mask")})
                                     .output}},
                          decoder_inputs, &decoder);
  }
  const Fixture encoding("positional_encoding");
  reference::check_close(positional_encoding(encoding.index_option("length"), encoding.index_option("d_model")),
                         encoding.tensor("output.y"), "positional_encoding");
}
