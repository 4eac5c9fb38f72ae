// Misuse that once ended in a signal, memory corruption, a foreign exception
// or a silent wrong value, each answered now by an attograd exception or the
// mathematically right result (docs/testing.md, "Hostile inputs").
#include <cstdint>
#include <filesystem>
#include <limits>
#include <fstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "check_throws.h"
#include "nn/nn.h"

using namespace atto;

TEST_CASE("misuse: shapes whose byte count wraps or cannot be allocated") {
  // (2^48 + 1) x 2^14 elements: the element count fits in 64 bits, the bytes do not.
  const Index rows = (Index{1} << 48) + 1;
  check_throws<ShapeError>([&] { return zeros({rows, Index{1} << 14}); },
                           fmt::format("Tensor: ({},16384) has {} elements, more bytes than memory can address", rows,
                                       rows * (Index{1} << 14)));
  CHECK_THROWS_AS((void)zeros({Index{1} << 31, Index{1} << 31}), Error);
  // Just below the wrap: the allocator refuses, and the message names the shape.
  const Index huge = std::numeric_limits<std::ptrdiff_t>::max() / static_cast<Index>(sizeof(Real)) / 2;
  try {
    const Tensor never = Tensor::empty({huge});
    FAIL("allocated an impossible tensor");
  } catch (const ArgumentError& e) {
    CHECK(std::string(e.what()).starts_with(fmt::format("Tensor: out of memory allocating ({})", huge)));
  }
}

TEST_CASE("misuse: rank-0 permutes, classless logits, empty products") {
  Var s(scalar(3), true);
  const Var p = permute(s, std::span<const int>{});
  CHECK(p.item() == 3);
  p.backward();
  CHECK(s.grad().item() == 1);
  check_throws<ShapeError>([] { return cross_entropy(Var(zeros({2, 3, 0}), true), zeros({2, 3})); },
                           "cross_entropy: logits (2,3,0) have no classes");
  check_throws<ShapeError>([] { return softmax_cross_entropy(Var(zeros({2, 0}), true), zeros({2})); },
                           "softmax_cross_entropy: logits (2,0) have no classes");
  // (2, 3, 0) x (0, 4): k = 0 gives zeros, and gradients of the right (empty) shapes.
  for (const Shape& a_shape : {Shape{2, 3, 0}, Shape{2, 0, 5}}) {
    CAPTURE(a_shape);
    const Index k = a_shape[2];
    Var a(zeros(a_shape), true), b(ones({k, 4}), true);
    const Var c = matmul(a, b);
    CHECK(c.shape() == Shape{2, a_shape[1], 4});
    CHECK(allclose(c.value(), zeros(c.shape()), 0, 0));
    sum(c).backward();
    CHECK(a.grad().shape() == a.shape());
    CHECK(b.grad().shape() == b.shape());
    CHECK(allclose(b.grad(), zeros(b.shape()), 0, 0));
  }
}

TEST_CASE("misuse: threads, null handles, null layers") {
  check_throws<ArgumentError>([] { set_num_threads(1000000); }, "set_num_threads: thread count 1000000 is not in [1, 1024]");
  check_throws<ArgumentError>([] { set_num_threads(0); }, "set_num_threads: thread count 0 is not in [1, 1024]");
  check_throws<ArgumentError>([] { return Var(std::shared_ptr<Node>()); }, "Var: a Var needs a node; got a null pointer");
  Sequential model;
  check_throws<ArgumentError>([&] { model.add(std::unique_ptr<Layer>()); }, "Sequential: add: got a null layer");
}

TEST_CASE("misuse: the default generator is per thread, so two threads never race on it") {
  Tensor first, second;
  std::thread a([&] { first = default_generator().normal({1000}); });
  std::thread b([&] { second = default_generator().normal({1000}); });
  a.join();
  b.join();
  // Each thread's generator starts from seed 0: the same draws, and no torn state.
  CHECK(allclose(first, second, 0, 0));
  CHECK(allclose(first, Generator(0).normal({1000}), 0, 0));
}

TEST_CASE("misuse: optimizer hyperparameters and parameter lists") {
  Var w(ones({3}), true);
  check_throws<ArgumentError>([] { SGD({}, {}); }, "SGD: got an empty parameter list");
  check_throws<ArgumentError>([&] { SGD({w, w}, {}); }, "SGD: leaf (3) is listed twice; it would be stepped twice");
  check_throws<ArgumentError>([&] { SGD({w}, {.momentum = -1}); }, "SGD: momentum -1 must be >= 0 and finite");
  check_throws<ArgumentError>([&] { SGD({w}, {.weight_decay = std::nan("")}); },
                              "SGD: weight_decay nan must be >= 0 and finite");
  check_throws<ArgumentError>([&] { Adam({w}, {.beta1 = 1}); }, "Adam: beta1 1 is not in [0, 1)");
  check_throws<ArgumentError>([&] { Adam({w}, {.beta2 = 2}); }, "Adam: beta2 2 is not in [0, 1)");
  check_throws<ArgumentError>([&] { Adam({w}, {.eps = -1}); }, "Adam: eps -1 must be positive and finite");
  check_throws<ArgumentError>([&] { AdamW({w}, {.lr = std::numeric_limits<Real>::infinity()}); },
                              "AdamW: learning rate inf must be >= 0 and finite");
  Adam adam({w}, {});
  check_throws<ArgumentError>([&] { adam.set_learning_rate(-1); }, "Adam: learning rate -1 must be >= 0 and finite");
  check_throws<ArgumentError>([&] { adam.set_learning_rate(std::nan("")); },
                              "Adam: learning rate nan must be >= 0 and finite");
  CHECK(adam.learning_rate() == doctest::Approx(0.001));
}

TEST_CASE("misuse: a parameter replaced by another shape is refused at step, not written past") {
  Var w(ones({3}), true);
  w.set_name("w");
  SGD sgd({w}, {.lr = 0.1, .momentum = 0.9});
  Adam adam({w}, {});
  w.mutable_value() = ones({100});
  w.set_grad(ones({100}));
  check_throws<ShapeError>([&] { sgd.step(); },
                           "SGD: parameter 0 (leaf 'w' (100)) was registered with shape (3); make a new optimizer "
                           "after replacing a parameter");
  check_throws<ShapeError>([&] { adam.step(); },
                           "Adam: parameter 0 (leaf 'w' (100)) was registered with shape (3); make a new optimizer "
                           "after replacing a parameter");
}

TEST_CASE("misuse: clipping a gradient that holds NaN names the parameter") {
  Var w(ones({2}), true);
  w.set_name("w");
  w.set_grad(tensor({1, std::nan("")}));
  check_throws<ArgumentError>([&] { return clip_grad_norm({w}, 1); },
                              "clip_grad_norm: the gradient of leaf 'w' (2) holds NaN or Inf");
}

TEST_CASE("misuse: data helpers with negative counts") {
  Generator gen(1);
  check_throws<ArgumentError>([&] { return batch_indices(-1, 4, gen); }, "batch_indices: row count -1 must be >= 0");
  check_throws<ArgumentError>([&] { return train_validation_split(-5, 0.5, gen); },
                              "train_validation_split: row count -5 must be >= 0");
}

TEST_CASE("misuse: every exception from the library is an atto::Error") {
  CHECK_THROWS_AS((void)zeros({Index{1} << 40, Index{1} << 40}), Error);
  CHECK_THROWS_AS(set_num_threads(-3), Error);
  CHECK_THROWS_AS(SGD({}, {}), Error);
}

TEST_CASE("misuse: checkpoints saved from two threads at once, and loads of things that are not files") {
  const std::string path = "test_misuse_concurrent.atto";
  Generator gen(3);
  Dense first(3, {.units = 4}, gen), second(3, {.units = 4}, gen);
  std::thread a([&] {
    for (int i = 0; i < 20; ++i) save_checkpoint(path, first);
  });
  std::thread b([&] {
    for (int i = 0; i < 20; ++i) save_checkpoint(path, second);
  });
  a.join();
  b.join();
  // Whichever save came last, the file is whole: it loads and matches one model.
  Dense loaded(3, {.units = 4}, gen);
  load_checkpoint(path, loaded);
  const bool is_first = allclose(loaded.kernel().value(), first.kernel().value(), 0, 0);
  const bool is_second = allclose(loaded.kernel().value(), second.kernel().value(), 0, 0);
  CHECK((is_first || is_second));
  for (const auto& entry : std::filesystem::directory_iterator(".")) {
    CHECK_FALSE(entry.path().filename().string().starts_with(path + ".tmp"));
  }
  std::filesystem::remove(path);
  check_throws<CheckpointError>([&] { load_checkpoint("/dev/zero", loaded); },
                                "load_checkpoint: '/dev/zero' is not a regular file");
  check_throws<CheckpointError>([&] { load_checkpoint(".", loaded); }, "load_checkpoint: '.' is not a regular file");
  check_throws<CheckpointError>([&] { save_checkpoint("/no/such/folder/x.atto", loaded); },
                                "save_checkpoint: cannot create a temporary file beside '/no/such/folder/x.atto': No "
                                "such file or directory");
}

TEST_CASE("misuse: masks that are not 0/1, or of a wrong empty shape; no keys with masks") {
  Generator gen(4);
  Attention attention;
  const Var q(gen.normal({2, 3, 4})), v(gen.normal({2, 5, 4}));
  check_throws<ArgumentError>([&] { return attention(q, v, {.query_mask = full({2, 3}, 2)}); },
                              "Attention: query_mask holds 2 at flat position 0; a mask holds 0 or 1");
  check_throws<ArgumentError>([&] { return attention(q, v, {.value_mask = full({2, 5}, std::nan(""))}); },
                              "Attention: value_mask holds nan at flat position 0; a mask holds 0 or 1");
  check_throws<ShapeError>([&] { return attention(q, v, {.value_mask = zeros({7, 0})}); },
                           "Attention: value_mask (7,0): need (2,5)");
  MultiHeadAttention mha({.num_heads = 2, .key_dim = 3, .query_features = 4}, gen);
  check_throws<ShapeError>([&] { return mha(q, v, {.attention_mask = zeros({7, 0})}); },
                           "MultiHeadAttention: attention_mask (7,0): need (2,3,5)");
  // No keys at all: every mask still checked, and the output is 0.
  const Var no_keys(zeros({2, 0, 4}));
  for (bool causal : {false, true}) {
    for (bool composed : {false, true}) {
      const auto result = mha(q, no_keys, {.query_mask = ones({2, 3}), .value_mask = zeros({2, 0}),
                                           .use_causal_mask = causal, .return_attention_scores = composed});
      if (composed) CHECK(result.weights.shape() == Shape{2, 2, 3, 0});
      CHECK(result.output.shape() == Shape{2, 3, 4});
    }
  }
}

TEST_CASE("misuse: BCE targets outside [0, 1], slices with huge bounds and steps") {
  check_throws<ArgumentError>(
      [] { return binary_cross_entropy_with_logits(Var(zeros({2})), tensor({0.5, 1.5})); },
      "binary_cross_entropy_with_logits: target 1.5 at position 1 is not a probability in [0, 1]");
  check_throws<ArgumentError>(
      [] { return binary_cross_entropy_with_logits(Var(zeros({1})), tensor({std::nan("")})); },
      "binary_cross_entropy_with_logits: target nan at position 0 is not a probability in [0, 1]");
  const Tensor x = arange(0, 5, 1);
  const Index big = std::numeric_limits<Index>::max();
  CHECK(allclose(slice(x, 0, 1, big), tensor({1, 2, 3, 4}), 0, 0));
  CHECK(allclose(slice(x, 0, 1, big, big), tensor({1}), 0, 0));
  CHECK(slice(x, 0, std::numeric_limits<Index>::min(), 0).numel() == 0);
}

TEST_CASE("misuse: a temporary left by a killed save is removed by the next save, a live saver's is kept") {
  const std::string path = "test_misuse_stale.atto";
  // A process that has exited: its pid names no running process.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  const std::string stale = fmt::format("{}.tmp.{}.AbC123", path, child);
  const std::string live = fmt::format("{}.tmp.{}.XyZ789", path, ::getpid());
  const std::string unrelated = path + ".tmp.notapid";
  for (const std::string& name : {stale, live, unrelated}) std::ofstream(name) << "half a checkpoint";
  Generator gen(4);
  Dense model(2, {.units = 2}, gen);
  save_checkpoint(path, model);
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));
  CHECK(std::filesystem::exists(unrelated));
  for (const std::string& name : {path, live, unrelated}) std::filesystem::remove(name);
}

// The second round: each class a hostile catalogue found, one case or more
// each, with the message the user reads.
TEST_CASE("misuse, round 2: enums cast from numbers they do not hold") {
  const Tensor a = ones({2, 2});
  check_throws<ArgumentError>([&] { return matmul(a, a, static_cast<Transpose>(7)); },
                              "matmul: transpose 7 is not Transpose::none, a, b or both");
  Tensor out = zeros({2, 2});
  check_throws<ArgumentError>([&] { matmul_into(out, a, a, Transpose::none, static_cast<Into>(3)); },
                              "matmul_into: mode 3 is neither Into::replace nor Into::add");
  check_throws<ArgumentError>([] { return Attention({.score_mode = static_cast<AttentionScore>(9)}); },
                              "Attention: score_mode 9 is neither AttentionScore::dot nor AttentionScore::concat");
  check_throws<ArgumentError>([] { return LSTM(2, 3, {.implementation = static_cast<LSTMImplementation>(5)}); },
                              "LSTM: implementation 5 is neither LSTMImplementation::fused nor ::composed");
  check_throws<ArgumentError>([] { return Conv2D(1, {.filters = 1, .padding = static_cast<Padding>(7)}); },
                              "Conv2D: padding 7 is neither Padding::valid nor Padding::same");
  check_throws<ArgumentError>([] { return Dense(2, {.units = 2, .activation = static_cast<Activation>(42)}); },
                              "Dense: activation 42 is not one of Activation's values");
  check_throws<ArgumentError>([] { return ActivationLayer(static_cast<Activation>(-1)); },
                              "ActivationLayer: activation -1 is not one of Activation's values");
  check_throws<ArgumentError>([] { return Vocabulary({"a"}, static_cast<Tokenization>(2)); },
                              "Vocabulary: tokenization 2 is neither Tokenization::characters nor ::words");
  const Var x(ones({1, 2, 3}));
  check_throws<ArgumentError>(
      [&] { return scaled_dot_product_attention(x, x, x, 1, static_cast<AttentionMask>(4)); },
      "scaled_dot_product_attention: mask 4 is neither AttentionMask::none nor AttentionMask::causal");
}

TEST_CASE("misuse, round 2: sizes, strides, rows and lengths out of range; arithmetic that would overflow") {
  Conv2D huge_strides(1, {.filters = 1, .strides = std::numeric_limits<Index>::max(), .padding = Padding::same});
  CHECK(huge_strides(Var(zeros({1, 4, 4, 1}))).shape() == Shape{1, 1, 1, 1});
  check_throws<ArgumentError>([] { return Dense(Index{1} << 40, {.units = Index{1} << 40}); },
                              "Dense: a kernel of 1099511627776 x 1099511627776 has too many elements to count");
  check_throws<ArgumentError>([] { return LSTMCell(2, std::numeric_limits<Index>::max() / 2); },
                              fmt::format("LSTMCell: a recurrent_kernel of {0} x 4 x {0} has too many elements to count",
                                          std::numeric_limits<Index>::max() / 2));
  check_throws<ArgumentError>([] { return max_pool2d(Var(zeros({1, 4, 4, 1})), 0); },
                              "max_pool2d: pool 0 must be positive");
  const Var table(ones({4, 2}), true);
  check_throws<ArgumentError>([&] { return take_rows(table, Ids({1, 2}), 99); },
                              "take_rows: skip_row 99 is not a row of a (4,2) table (no row to skip: std::nullopt)");
  check_throws<ArgumentError>([&] { return take_rows(table, Ids({1, 2}), -1); },
                              "take_rows: skip_row -1 is not a row of a (4,2) table (no row to skip: std::nullopt)");
  const Vocabulary vocab({"a", "b"}, Tokenization::characters);
  check_throws<ArgumentError>([&] { return vocab.encode_batch_ids(std::vector<std::string>{"ab"}, {.length = -1}); },
                              "encode_batch_ids: length -1 must be positive, or 0 for the longest text's");
  const Var q(ones({2, 3, 4})), kv(ones({2, 5, 4}));
  check_throws<ShapeError>([&] { return scaled_dot_product_attention(q, kv, kv, 1, AttentionMask::none, zeros({7, 0})); },
                           "scaled_dot_product_attention: bias (7,0) for scores (2,3,5)");
  check_throws<ArgumentError>(
      [&] { return scaled_dot_product_attention(q, kv, kv, std::numeric_limits<Real>::quiet_NaN()); },
      "scaled_dot_product_attention: scale nan is not a finite number");
  const Var x(zeros({2, 3, 2})), state(zeros({2, 2})), kernel(zeros({2, 8})), recurrent(zeros({2, 8})), bias(zeros({8}));
  check_throws<ShapeError>([&] { return lstm_sequence(x, state, state, kernel, recurrent, bias, zeros({7, 0})); },
                           "lstm_sequence: mask (7,0) for x (2,3,2): need (B, T) = (2, 3)");
}

TEST_CASE("misuse, round 2: errors name the call the user made and the argument passed") {
  TransformerDecoderLayer decoder({.features = 4, .num_heads = 2});
  const Var target(zeros({2, 3, 4})), memory(zeros({2, 6, 4}));
  check_throws<ShapeError>([&] { return decoder(target, memory, {.target_mask = ones({2, 5})}); },
                           "TransformerDecoderLayer: target_mask (2,5): need (2,3)");
  check_throws<ShapeError>([&] { return decoder(target, memory, {.memory_mask = ones({2, 3})}); },
                           "TransformerDecoderLayer: memory_mask (2,3): need (2,6)");
  TransformerEncoderLayer encoder({.features = 4, .num_heads = 2});
  check_throws<ShapeError>([&] { return encoder(target, {.padding_mask = ones({2, 4})}); },
                           "TransformerEncoderLayer: padding_mask (2,4): need (2,3)");
  check_throws<ArgumentError>([] { return TransformerEncoderLayer({.features = 4, .layer_norm_epsilon = 0}); },
                              "TransformerEncoderLayer: layer_norm_epsilon 0 must be positive");
  Conv2D conv(1, {.filters = 1, .kernel_size = 5});
  check_throws<ShapeError>([&] { return conv(Var(zeros({1, 4, 4, 1}))); },
                           "Conv2D: input (1,4,4,1): height 4 is smaller than the 5x5 kernel (valid padding)");
  check_throws<ArgumentError>(
      [] { return MultiHeadAttention({.num_heads = 2, .key_dim = 3, .value_dim = -2, .query_features = 4}); },
      "MultiHeadAttention: value_dim -2 must be >= 1, or 0 for its default");
  const Var x(zeros({2, 3, 2})), h0(zeros({3, 2})), c0(zeros({2, 2}));
  const Var kernel(zeros({2, 8})), recurrent(zeros({2, 8})), bias(zeros({8}));
  check_throws<ShapeError>([&] { return lstm_sequence_composed(x, h0, c0, kernel, recurrent, bias); },
                           "lstm_sequence_composed: recurrent (2,8), bias (8), h0 (3,2), c0 (2,2): need (2, 8), (8), "
                           "(2,2) and (2,2)");
}

TEST_CASE("misuse, round 2: losses over an empty batch are 0 with zero gradients, not an error and not NaN") {
  Var prediction(zeros({0, 3}), true), logits(zeros({0}), true);
  const Var mse = mse_loss(prediction, zeros({0, 3}));
  const Var bce = binary_cross_entropy_with_logits(logits, zeros({0}));
  CHECK(mse.item() == 0);
  CHECK(bce.item() == 0);
  mse.backward();
  bce.backward();
  CHECK(prediction.grad().shape() == Shape{0, 3});
  CHECK(logits.grad().numel() == 0);
}

TEST_CASE("misuse, round 2: a constant an op kept, written before backward, is refused, not silently used") {
  Var x(tensor({1.0, 1.0}), true);
  Tensor condition = tensor({1.0, 0.0});
  const Var y = where(condition, x * 2.0, x * 3.0);
  condition.fill(0);
  CHECK_THROWS_WITH_AS(sum(y).backward(), doctest::Contains("where (2) used its condition (2)"), ArgumentError);
  CHECK_FALSE(x.has_grad());
}

// The third round: the errors and edges of the issue "A codebase to carry on".
TEST_CASE("misuse, round 3: a shape an op builds too large names the op, not Shape") {
  const Index big = Index{1} << 32;
  check_throws<ShapeError>([&] { return matmul(zeros({big, 0}), zeros({0, big})); },
                           "matmul: (4294967296,4294967296) has too many elements to count");
  check_throws<ShapeError>([&] { return expand(Var(ones({1, 1})), Shape{big, big}); },
                           "expand: (4294967296,4294967296) has too many elements to count");
  const Var table(ones({4, 2}), true);
  const Ids rank8(Shape{1, 1, 1, 1, 1, 1, 1, 1}, std::vector<Index>{1});
  check_throws<ShapeError>([&] { return take_rows(table, rank8); },
                           "take_rows: indices (1,1,1,1,1,1,1,1) have rank 8: their rows would add an axis past the "
                           "maximum rank 8");
  check_throws<ShapeError>([&] { return take_rows(table, ones({1, 1, 1, 1, 1, 1, 1, 1})); },
                           "take_rows: indices (1,1,1,1,1,1,1,1) have rank 8: their rows would add an axis past the "
                           "maximum rank 8");
  Embedding embedding(4, 2);
  check_throws<ShapeError>([&] { return embedding(rank8); },
                           "Embedding: ids (1,1,1,1,1,1,1,1) have rank 8: their vectors would add an axis past the "
                           "maximum rank 8");
  check_throws<ShapeError>([&] { return embedding(ones({1, 1, 1, 1, 1, 1, 1, 1})); },
                           "Embedding: ids (1,1,1,1,1,1,1,1) have rank 8: their vectors would add an axis past the "
                           "maximum rank 8");
}

TEST_CASE("misuse, round 3: an empty shape has no elements, wherever its zero stands") {
  const Index huge = Index{1} << 40;
  for (const Shape& shape : {Shape{0, huge, huge}, Shape{huge, 0, huge}, Shape{huge, huge, 0}}) {
    CAPTURE(shape);
    CHECK(shape.numel() == 0);
    CHECK(zeros(shape).numel() == 0);
  }
  check_throws<ShapeError>([&] { return Shape{huge, huge, 1}.numel(); },
                           "Shape: (1099511627776,1099511627776,1) has too many elements to count");
}

TEST_CASE("misuse, round 3: every mask error names the layer called, and a refused step leaves its cache") {
  Generator gen(4);
  const Var q(gen.normal({2, 3, 4})), v(gen.normal({2, 5, 4}));
  AdditiveAttention additive(4);
  check_throws<ShapeError>([&] { return additive(q, v, {.value_mask = ones({2, 4})}); },
                           "AdditiveAttention: value_mask (2,4): need (2,5)");
  check_throws<ArgumentError>([&] { return additive(q, v, {.query_mask = full({2, 3}, -1)}); },
                              "AdditiveAttention: query_mask holds -1 at flat position 0; a mask holds 0 or 1");
  MultiHeadAttention mha({.num_heads = 2, .key_dim = 2, .query_features = 4}, gen);
  check_throws<ArgumentError>([&] { return mha(q, v, {.value_mask = full({2, 5}, 3)}); },
                              "MultiHeadAttention: value_mask holds 3 at flat position 0; a mask holds 0 or 1");
  KeyValueCache cache;
  const Tensor position = gen.normal({2, 1, 4});
  (void)mha.step(position, cache);
  check_throws<ShapeError>([&] { return mha.step(position, cache, ones({2, 1})); },
                           "MultiHeadAttention.step: value_mask (2,1): need (2,2)");
  CHECK(cache.length() == 1);
  KeyValueCache memory_cache;
  check_throws<ShapeError>([&] { return mha.step_over_memory(position, v.value(), memory_cache, ones({2, 4})); },
                           "MultiHeadAttention.step_over_memory: memory_mask (2,4): need (2,5)");
  CHECK(memory_cache.length() == 0);
  TransformerEncoderLayer encoder({.features = 4, .num_heads = 2});
  check_throws<ArgumentError>([&] { return encoder(q, {.padding_mask = full({2, 3}, 0.5)}); },
                              "TransformerEncoderLayer: padding_mask holds 0.5 at flat position 0; a mask holds 0 or 1");
  TransformerDecoderLayer decoder({.features = 4, .num_heads = 2});
  TransformerDecoderCache decoder_cache;
  check_throws<ShapeError>(
      [&] { return decoder.step(position, v.value(), decoder_cache, {.target_mask = ones({2, 2})}); },
      "TransformerDecoderLayer.step: target_mask (2,2): need (2,1)");
}

TEST_CASE("misuse, round 3: anomaly mode refuses a +inf or NaN attention bias, and -inf stays a mask") {
  Generator gen(5);
  const Var q(gen.normal({1, 2, 3}), true), k(gen.normal({1, 4, 3}), true), v(gen.normal({1, 4, 3}), true);
  const Real inf = std::numeric_limits<Real>::infinity();
  Tensor bias = zeros({1, 2, 4});
  bias.at({0, 1, 2}) = -inf;
  const AnomalyModeGuard anomaly;
  const Var masked = scaled_dot_product_attention(q, k, v, 1, AttentionMask::none, bias);
  sum(masked).backward();
  CHECK(all_finite(q.grad()));
  bias.at({0, 1, 2}) = inf;
  check_throws<AnomalyError>([&] { return scaled_dot_product_attention(q, k, v, 1, AttentionMask::none, bias); },
                             "anomaly: scaled_dot_product_attention was given inf in its bias (1,2,4) at flat position "
                             "6; -inf masks a score, +inf and NaN are anomalies");
  bias.at({0, 1, 2}) = std::numeric_limits<Real>::quiet_NaN();
  CHECK_THROWS_AS((void)scaled_dot_product_attention(q, k, v, 1, AttentionMask::none, bias), AnomalyError);
}

TEST_CASE("misuse, round 3: anomaly mode covers the OpenMP threads of its thread's ops, and no other std::thread") {
  // exp over 2^16 elements runs on two OpenMP threads; its overflow sits in
  // the second half, which the second thread computes. Under ThreadSanitizer
  // on one: libgomp is not instrumented, so the sanitizer cannot see its
  // barriers and would report the handover of every parallel region as a race.
#ifdef __SANITIZE_THREAD__
  constexpr int kOpenMpThreads = 1;
#else
  constexpr int kOpenMpThreads = 2;
#endif
  const int saved = num_threads();
  set_num_threads(kOpenMpThreads);
  set_yield_to_other_programs(false);
  Tensor big = zeros({Index{1} << 16});
  big.data()[big.numel() - 1] = 1000;
  bool other_in_anomaly_mode = true, other_threw = true;
  {
    const AnomalyModeGuard anomaly;
    std::thread other([&] {
      set_num_threads(kOpenMpThreads);
      other_in_anomaly_mode = anomaly_mode();
      try {
        (void)exp(Var(big));
        other_threw = false;
      } catch (const AnomalyError&) {
      }
    });
    other.join();
    CHECK_THROWS_WITH_AS((void)exp(Var(big)), doctest::Contains("anomaly: forward of exp produced NaN or Inf"),
                         AnomalyError);
  }
  CHECK_FALSE(other_in_anomaly_mode);
  CHECK_FALSE(other_threw);
  set_yield_to_other_programs(true);
  set_num_threads(saved);
}
