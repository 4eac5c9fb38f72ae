// Ids (core/ids.h): integer ids through take_rows, Embedding, cross-entropy
// and the text helpers, giving what the Real-tensor forms give.
#include "nn/nn.h"
#include "tests/check_throws.h"

#include <doctest/doctest.h>

#include <limits>

using namespace atto;

TEST_CASE("Ids: a shape and its values must agree") {
  check_throws<ShapeError>([] { return Ids({2, 2}, {1, 2, 3}); }, "Ids: (2,2) needs 4 ids, got 3");
  const Ids ids({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(ids.rank() == 2);
  CHECK(ids.flattened().shape() == Shape{6});
  CHECK(ids[4] == 5);
}

TEST_CASE("Ids: from a tensor of whole numbers, its shape kept; anything else refused by position") {
  const Ids ids = Ids::from_tensor(tensor({{4, 0, 7}, {-100, 2, 1}}));
  CHECK(ids.shape() == Shape{2, 3});
  CHECK(ids.values() == std::vector<Index>{4, 0, 7, -100, 2, 1});
  check_throws<ArgumentError>([] { return Ids::from_tensor(tensor({1, 2.5})); },
                              fmt::format("Ids::from_tensor: 2.5 at position 1 is not a whole number below {} in "
                                          "magnitude", static_cast<Real>(Index{1} << std::numeric_limits<Real>::digits)));
  CHECK_THROWS_AS(Ids::from_tensor(tensor({std::numeric_limits<Real>::quiet_NaN()})), ArgumentError);
  CHECK(Ids::from_tensor(Tensor()).numel() == 0);
}

TEST_CASE("Ids: take_rows and Embedding give the Real-tensor lookups, gradients included") {
  Generator gen(5);
  Embedding embedding(7, 3, 0, gen);
  const Var from_ids = embedding(Ids({2, 2}, {3, 0, 6, 3}));
  const Var from_tensor = embedding(tensor({{3, 0}, {6, 3}}));
  CHECK(allclose(from_ids.value(), from_tensor.value(), 0, 0));
  sum(from_ids * from_ids).backward();
  const Tensor grad_ids = embedding.table().grad().clone();
  embedding.zero_grad();
  sum(from_tensor * from_tensor).backward();
  CHECK(allclose(grad_ids, embedding.table().grad(), 0, 0));
  check_throws<ArgumentError>([&] { return embedding(Ids({7})); },
                              "take_rows: index 7 at position 0 is not a row of a (7,3) table");
  check_throws<ArgumentError>([&] { return embedding(Ids({-1})); },
                              "take_rows: index -1 at position 0 is not a row of a (7,3) table");
}

TEST_CASE("Ids: cross-entropy targets, with and without ignore_index, match the Real-tensor form") {
  Generator gen(6);
  const Tensor logits = gen.normal({2, 3, 4});
  for (std::optional<Index> ignore : {std::optional<Index>(), std::optional<Index>(-100)}) {
    Var a(logits.clone(), true), b(logits.clone(), true);
    const Index third = ignore ? -100 : 1;
    const Var loss_ids = cross_entropy(a, Ids({2, 3}, {0, 3, third, 2, 1, 1}), ignore);
    const Var loss_tensor = cross_entropy(b, tensor({{0, 3, static_cast<Real>(third)}, {2, 1, 1}}), ignore);
    CHECK(loss_ids.item() == doctest::Approx(loss_tensor.item()).epsilon(1e-14));
    loss_ids.backward();
    loss_tensor.backward();
    CHECK(allclose(a.grad(), b.grad(), 0, 0));
  }
  check_throws<ArgumentError>([&] { return cross_entropy(Var(logits), Ids({2, 3}, {0, 4, 0, 0, 0, 0})); },
                              "softmax_cross_entropy: target 4 at row 1 is not a class index in [0, 4)");
  check_throws<ShapeError>([&] { return cross_entropy(Var(logits), Ids({3})); },
                           "cross_entropy: logits (2,3,4) and targets (1): need (N,C) with (N), or (N,T,C) with (N,T)");
}

TEST_CASE("Ids: the text helpers give the same ids and masks") {
  const Vocabulary words({"hello", "my", "friend"}, Tokenization::words);
  const std::vector<std::string> texts = {"hello friend", "my"};
  const Ids ids = words.encode_batch_ids(texts, {.end = true});
  const Tensor as_tensor = words.encode_batch(texts, {.end = true});
  REQUIRE(ids.shape() == as_tensor.shape());
  for (Index i = 0; i < ids.numel(); ++i) CHECK(static_cast<Real>(ids[i]) == as_tensor.data()[i]);
  CHECK(allclose(padding_mask(ids), padding_mask(as_tensor), 0, 0));
  CHECK(words.decode(std::span<const Index>(ids.values().data(), 3)) == "hello friend");
}
