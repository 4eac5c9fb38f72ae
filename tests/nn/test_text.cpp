#include "nn/nn.h"

#include <doctest/doctest.h>

using namespace atto;

TEST_CASE("Vocabulary: reserved ids first, sorted tokens, unknown tokens") {
  const std::vector<std::string> texts = {"bca", "ab"};
  const Vocabulary chars = Vocabulary::from_texts(texts, Tokenization::characters);
  CHECK(chars.size() == 4 + 3);
  CHECK(chars.token(Vocabulary::kPad) == "<pad>");
  CHECK(chars.token(Vocabulary::kEnd) == "<end>");
  CHECK(chars.id("a") == 4);
  CHECK(chars.id("c") == 6);
  CHECK(chars.id("z") == Vocabulary::kUnknown);
  CHECK(chars.encode("cab") == std::vector<Index>{6, 4, 5});
  CHECK_THROWS_WITH_AS(chars.token(7), "Vocabulary: id 7 out of range [0, 7)", ArgumentError);
  CHECK_THROWS_WITH_AS(Vocabulary({"x", "x"}, Tokenization::words),
                       "Vocabulary: token 'x' given twice (or clashes with a reserved one)", ArgumentError);
}

TEST_CASE("Vocabulary: words split on spaces and decode back") {
  const std::vector<std::string> texts = {"hello my friend", "  hello   you "};
  const Vocabulary words = Vocabulary::from_texts(texts, Tokenization::words);
  CHECK(words.size() == 4 + 4);
  CHECK(words.split("  hello   you ") == std::vector<std::string>{"hello", "you"});
  const std::vector<Index> ids = {Vocabulary::kStart, words.id("hello"), words.id("friend"), Vocabulary::kEnd,
                                  words.id("you")};
  CHECK(words.decode(ids) == "hello friend");  // stops at the end token
}

TEST_CASE("Vocabulary: batches are padded on the right, with start and end tokens on request") {
  const std::vector<std::string> texts = {"ab", "b", ""};
  const Vocabulary chars = Vocabulary::from_texts(texts, Tokenization::characters);
  const Tensor batch = chars.encode_batch(texts, {.start = true, .end = true});
  CHECK(batch.shape() == Shape{3, 4});
  CHECK(allclose(batch, tensor({{1, 4, 5, 2}, {1, 5, 2, 0}, {1, 2, 0, 0}}), 0, 0));
  CHECK(allclose(padding_mask(batch), tensor({{1, 1, 1, 1}, {1, 1, 1, 0}, {1, 1, 0, 0}}), 0, 0));
  CHECK(chars.decode(slice(batch, 0, 0, 1).reshape({4})) == "ab");
  CHECK(chars.encode_batch(texts, {.length = 6}).shape() == Shape{3, 6});
  CHECK_THROWS_WITH_AS(chars.encode_batch(texts, {.end = true, .length = 2}),
                       "Vocabulary::encode_batch: a text needs 3 tokens, more than the length 2", ArgumentError);
}
