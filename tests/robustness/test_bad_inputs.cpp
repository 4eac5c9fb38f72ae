// The catalogue of bad inputs: each misuse, the exception it must raise and
// its exact message (op name first, then the shapes or values involved), and
// for the edge cases that are not errors (empty batches, zero-length
// sequences, fully masked rows, huge logits) the defined result. docs/testing.md
// lists where the rest of the catalogue lives.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "check_throws.h"
#include "nn/nn.h"

using namespace atto;

namespace {

Var input(const Shape& shape) { return Var(Generator(1).normal(shape), true); }

}  // namespace

TEST_CASE("bad inputs: shape and rank mismatches in the ops") {
  check_throws<ShapeError>([] { return input({2, 3}) + input({4}); }, "add: (2,3) and (4) do not broadcast: dim 3 vs 4");
  check_throws<ShapeError>([] { return matmul(input({2, 3}), input({4, 5})); }, "matmul: (2,3) x (4,5): inner dims 3 != 4");
  check_throws<ShapeError>(
      [] {
        return matmul(input({3}), input({3, 2}));
      },
      "matmul: (3) x (3,2): operands must have rank 2, 3 or 4");
  check_throws<ShapeError>([] { return reshape(input({2, 3}), {4, 2}); }, "reshape: (2,3) to (4,2): 6 elements != 8");
  check_throws<ShapeError>([] { return permute(input({2, 3}), {0, 2}); }, "permute: axis 2 is out of range for rank 2");
  check_throws<ShapeError>(
      [] {
        return concat({input({2, 3}), input({3, 2})}, 0);
      },
      "concat: (2,3) and (3,2) differ outside axis 0");
  check_throws<ShapeError>([] { return sum(input({2, 3}), 2); }, "sum: axis 2 is out of range for rank 2");
  check_throws<ShapeError>([] { return softmax(Var(scalar(1))); }, "softmax: needs at least one axis, got a scalar");
  check_throws<ShapeError>(
      [] {
        return where(zeros({3}), input({2, 2}), input({2, 2}));
      },
      "where: (3) and (2,2) do not broadcast: dim 3 vs 2");
  check_throws<ShapeError>(
      [] {
        return masked_fill(input({2, 2}), zeros({2, 3}), 0);
      },
      "masked_fill: (2,3) and (2,2) do not broadcast: dim 3 vs 2");
  check_throws<ShapeError>([] { return take_rows(input({4}), zeros({2})); }, "take_rows: table must be (rows, dim), got (4)");
  check_throws<ShapeError>(
      [] {
        return lstm_sequence(input({2, 5, 3}), input({2, 4}), input({2, 4}), input({3, 16}), input({4, 16}), input({12}));
      },
      "lstm_sequence: recurrent (4,16), bias (12), h0 (2,4), c0 (2,4): need (4, 16), (16), (2,4) and (2,4)");
  check_throws<ShapeError>(
      [] {
        return scaled_dot_product_attention(input({2, 3, 4}), input({2, 5, 4}), input({2, 6, 4}), 1);
      },
      "scaled_dot_product_attention: q (2,3,4), k (2,5,4), v (2,6,4): need (..., Tq, d), (..., Tv, d), (..., Tv, dv)");
  check_throws<ShapeError>(
      [] {
        return softmax_cross_entropy(input({4, 3}), zeros({3}));
      },
      "softmax_cross_entropy: targets (3) do not match 4 rows of logits");
}

TEST_CASE("bad inputs: shape and rank mismatches in the layers") {
  Dense dense(4, {.units = 3});
  check_throws<ShapeError>([&] { return dense(input({2, 5})); }, "Dense: input (2,5) does not end in 4 features");
  LSTM lstm(3, 4);
  check_throws<ShapeError>([&] { lstm(input({2, 5, 2})); }, "LSTM: input (2,5,2): need (batch, steps, 3)");
  check_throws<ShapeError>([&] { lstm(input({2, 3})); }, "LSTM: input (2,3): need (batch, steps, 3)");
  check_throws<ShapeError>(
      [&] {
        lstm(input({2, 5, 3}), LSTMState{input({2, 3}), input({2, 4})});
      },
      "LSTM: initial state h (2,3), c (2,4) for input (2,5,3): need (2, 4) each");
  Attention attention;
  check_throws<ShapeError>(
      [&] {
        attention(input({2, 3}), input({2, 5, 4}));
      },
      "Attention: query (2,3), value (2,5,4), key (2,5,4): each must be (batch, time, features)");
  check_throws<ShapeError>(
      [&] {
        attention(input({2, 3, 4}), input({2, 5, 4}), {.key = input({2, 5, 3})});
      },
      "Attention: query (2,3,4), value (2,5,4), key (2,5,3): need query (B,Tq,d), value (B,Tv,dv), key (B,Tv,d)");
  AdditiveAttention additive(4);
  check_throws<ShapeError>(
      [&] {
        additive(input({2, 3, 5}), input({2, 5, 5}));
      },
      "AdditiveAttention: query (2,3,5) has 5 features, the layer was built for 4");
  MultiHeadAttention mha({.num_heads = 2, .key_dim = 3, .query_features = 4});
  check_throws<ShapeError>(
      [&] {
        mha(input({2, 3, 5}), input({2, 5, 4}));
      },
      "MultiHeadAttention: query (2,3,5), value (2,5,4), key (2,5,4): the layer was built for 4, 4 and 4 features");
  LayerNorm norm(4);
  check_throws<ShapeError>([&] { return norm(input({2, 5})); }, "LayerNorm: input (2,5) does not end in 4 features");
  check_throws<ShapeError>(
      [] {
        return mse_loss(input({2, 3}), zeros({3, 2}));
      },
      "mse_loss: prediction (2,3) and target (3,2) differ");
  check_throws<ShapeError>(
      [] {
        return cross_entropy(input({2, 3, 4}), zeros({2, 4}));
      },
      "cross_entropy: logits (2,3,4) and targets (2,4) differ in (N,T)");
}

TEST_CASE("bad inputs: masks of the wrong shape") {
  Attention attention;
  check_throws<ShapeError>(
      [&] {
        attention(input({2, 3, 4}), input({2, 5, 4}), {.value_mask = ones({2, 4})});
      },
      "Attention: value_mask (2,4): need (2,5)");
  check_throws<ShapeError>(
      [&] {
        attention(input({2, 3, 4}), input({2, 5, 4}), {.query_mask = ones({3, 2})});
      },
      "Attention: query_mask (3,2): need (2,3)");
  MultiHeadAttention mha({.num_heads = 2, .key_dim = 3, .query_features = 4});
  check_throws<ShapeError>(
      [&] {
        mha(input({2, 3, 4}), input({2, 5, 4}), {.attention_mask = ones({2, 5, 3})});
      },
      "MultiHeadAttention: attention_mask (2,5,3): need (2,3,5)");
  check_throws<ShapeError>(
      [&] {
        mha(input({2, 3, 4}), input({2, 5, 4}), {.value_mask = ones({2, 3})});
      },
      "MultiHeadAttention: value_mask (2,3): need (2,5)");
  LSTM lstm(3, 4);
  check_throws<ShapeError>(
      [&] {
        lstm(input({2, 5, 3}), std::nullopt, ones({5, 2}));
      },
      "LSTM: mask (5,2) for input (2,5,3): need (2, 5)");
  check_throws<ShapeError>(
      [] {
        return scaled_dot_product_attention(input({2, 3, 4}), input({2, 5, 4}), input({2, 5, 4}), 1, AttentionMask::none, zeros({2, 5, 3}));
      },
      "scaled_dot_product_attention: bias (2,5,3) for scores (2,3,5)");
}

TEST_CASE("bad inputs: integer arguments out of range") {
  check_throws<ArgumentError>(
      [] {
        return cross_entropy(input({2, 3}), tensor({1, 3}));
      },
      "softmax_cross_entropy: target 3 at row 1 is not a class index in [0, 3)");
  check_throws<ArgumentError>(
      [] {
        return cross_entropy(input({2, 3}), tensor({1, -2}));
      },
      "softmax_cross_entropy: target -2 at row 1 is not a class index in [0, 3)");
  check_throws<ArgumentError>(
      [] {
        return cross_entropy(input({2, 3}), tensor({1, 0.5}));
      },
      "softmax_cross_entropy: target 0.5 at row 1 is not a class index in [0, 3)");
  Embedding embedding(5, 2);
  check_throws<ArgumentError>(
      [&] {
        return embedding(tensor({0, 5}));
      },
      "take_rows: index 5 at position 1 is not a row of a (5,2) table");
  check_throws<ArgumentError>([&] { return embedding(tensor({1.5})); },
                              "take_rows: index 1.5 at position 0 is not a row of a (5,2) table");
  check_throws<ArgumentError>([] { Dense(-1, {.units = 3}); }, "Dense: input_dim must be at least 1, got -1");
  check_throws<ArgumentError>([] { Dropout(1.5); }, "Dropout: probability 1.5 is not in [0, 1]");
  check_throws<ArgumentError>([] { LSTM(3, 0); }, "LSTMCell: units must be at least 1, got 0");
  check_throws<ArgumentError>([] { Embedding(-5, 2); }, "Embedding: input_dim must be at least 1, got -5");
  check_throws<ArgumentError>([] { LayerNorm(0); }, "LayerNorm: features must be at least 1, got 0");
  check_throws<ArgumentError>([] { MultiHeadAttention({.num_heads = 0, .key_dim = 3, .query_features = 4}); },
                              "MultiHeadAttention: num_heads 0, key_dim 3, query_features 4: each must be >= 1");
  check_throws<ArgumentError>([] { Adam({input({2})}, {.lr = -1}); }, "Adam: learning rate -1 must be >= 0 and finite");
}

TEST_CASE("bad inputs: NaN and Inf under anomaly mode name the op that made them") {
  AnomalyModeGuard anomaly;
  Dense dense(2, {.units = 2});
  const Tensor poisoned = tensor({{1, std::numeric_limits<Real>::quiet_NaN()}});
  check_throws<AnomalyError>([&] { return dense(Var(poisoned)); },
                             "anomaly: matmul was given NaN or Inf in its input 0 (leaf (1,2))");
  Var x(tensor({-1, 2}), true);
  check_throws<AnomalyError>(
      [&] { return log(x); },
      "anomaly: forward of log produced NaN or Inf in its (2) output; its inputs:\n  input 0: leaf (2)");
  Var zero(tensor({0, 1}), true);
  const Var root = sum(pow(zero, 0.5));
  check_throws<AnomalyError>([&] { root.backward(); },
                             "anomaly: backward of pow (2) produced NaN or Inf in the gradient of input 0 (leaf (2))");
}

TEST_CASE("edge cases that are not errors: empty batches and zero-length sequences") {
  Dense dense(4, {.units = 3});
  CHECK(dense(input({0, 4})).shape() == Shape{0, 3});
  LSTM lstm(3, 4, {.return_sequences = true});
  CHECK(lstm(input({0, 5, 3})).output.shape() == Shape{0, 5, 4});
  // Length 0: the output is empty and the state is the initial state.
  const LSTMState initial{input({2, 4}), input({2, 4})};
  const auto empty_run = lstm(input({2, 0, 3}), initial);
  CHECK(empty_run.output.shape() == Shape{2, 0, 4});
  CHECK(allclose(empty_run.state.h.value(), initial.h.value(), 0, 0));
  Attention attention;
  CHECK(attention(input({0, 3, 4}), input({0, 5, 4})).output.shape() == Shape{0, 3, 4});
  // No keys at all: nothing to attend to, so the output is 0 (never NaN).
  const auto no_keys = attention(input({2, 3, 4}), input({2, 0, 4}));
  CHECK(allclose(no_keys.output.value(), zeros({2, 3, 4}), 0, 0));
  // Cross-entropy over no rows, or rows that are all ignored: 0, not NaN.
  CHECK(cross_entropy(input({0, 3}), zeros({0})).item() == 0);
  CHECK(cross_entropy(input({2, 3}), tensor({-100, -100}), -100).item() == 0);
}

TEST_CASE("edge cases that are not errors: fully masked attention rows and huge logits") {
  Attention attention;
  const auto masked = attention(input({1, 2, 4}), input({1, 3, 4}), {.value_mask = zeros({1, 3})});
  CHECK(all_finite(masked.output.value()));
  CHECK(allclose(sum(masked.weights.value(), -1), ones({1, 2}), 1e-12, 1e-12));
  MultiHeadAttention mha({.num_heads = 2, .key_dim = 3, .query_features = 4});
  const auto nothing =
      mha(input({1, 2, 4}), input({1, 3, 4}), {.value_mask = zeros({1, 3}), .return_attention_scores = true});
  CHECK(allclose(nothing.weights.value(), zeros({1, 2, 2, 3}), 0, 0));
  CHECK(all_finite(nothing.output.value()));
  CHECK(allclose(mha(input({1, 2, 4}), input({1, 3, 4}), {.value_mask = zeros({1, 3})}).output.value(),
                 nothing.output.value(), 0, 0));  // the fused path too

  // Logits of 1e30: the loss is exact (log-sum-exp subtracts the row max first).
  Var logits(tensor({{1e30, 0, -1e30}, {0, 1e30, 0}}), true);
  const Var loss = cross_entropy(logits, tensor({0, 0}));
  CHECK(loss.item() == doctest::Approx(0.5e30));
  loss.backward();
  CHECK(all_finite(logits.grad()));
  CHECK(all_finite(softmax(Var(tensor({3e38, -3e38, 0}))).value()));
  CHECK(binary_cross_entropy_with_logits(Var(tensor({1e4, -1e4})), tensor({0, 1})).item() == doctest::Approx(1e4));
  // Dropout with p = 1 drops everything (no 0 * inf).
  CHECK(allclose(dropout(input({3}), 1, true).value(), zeros({3}), 0, 0));
}

TEST_CASE("bad inputs: truncated, corrupted and foreign checkpoints are refused and change nothing") {
  const auto dir = std::filesystem::temp_directory_path() / "attograd-bad-checkpoints";
  std::filesystem::create_directories(dir);
  Dense model(3, {.units = 2});
  const std::string good = (dir / "good.ckpt").string();
  save_checkpoint(good, model);
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto write = [&](const std::string& name, const std::string& content) {
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  };
  const Tensor before = model.kernel().value().clone();
  const std::string truncated = write("truncated.ckpt", bytes.substr(0, bytes.size() / 2));
  check_throws<CheckpointError>(
      [&] { load_checkpoint(truncated, model); },
      "load_checkpoint: '" + truncated + "': checksum mismatch: the file is corrupt or truncated");
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  const std::string corrupted = write("corrupted.ckpt", flipped);
  check_throws<CheckpointError>(
      [&] { load_checkpoint(corrupted, model); },
      "load_checkpoint: '" + corrupted + "': checksum mismatch: the file is corrupt or truncated");
  const std::string foreign = write("foreign.png", "\x89PNG\r\n\x1a\n not a checkpoint");
  check_throws<CheckpointError>([&] { load_checkpoint(foreign, model); },
                                "load_checkpoint: '" + foreign + "': not an attograd checkpoint (bad magic)");
  Dense other(3, {.units = 4});
  const std::string other_model = (dir / "other.ckpt").string();
  save_checkpoint(other_model, other);
  check_throws<CheckpointError>(
      [&] { load_checkpoint(other_model, model); },
      "load_checkpoint: '" + other_model + "': 'param/kernel' is (3,4) in the file but (3,2) in the model");
  const std::string missing = (dir / "missing.ckpt").string();
  check_throws<CheckpointError>([&] { load_checkpoint(missing, model); },
                                "load_checkpoint: cannot open '" + missing + "': No such file or directory");
  CHECK(allclose(model.kernel().value(), before, 0, 0));
  std::filesystem::remove_all(dir);
}
