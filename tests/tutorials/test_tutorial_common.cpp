#include "tutorials/common/dates.h"
#include "tutorials/common/explorer.h"
#include "tutorials/common/images.h"
#include "tutorials/common/phrasebook.h"
#include "tutorials/common/translation_task.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace atto;
using namespace atto::tutorial;

TEST_CASE("dates: every format of one date, and ISO targets") {
  CHECK(iso_date(1998, 5, 3) == "1998-05-03");
  CHECK(human_date(1998, 5, 3, 0) == "3 may 1998");
  CHECK(human_date(1998, 5, 3, 3) == "sunday, may 3, 1998");  // 3 May 1998 was a Sunday
  CHECK(human_date(1998, 5, 3, 5) == "05/03/98");
  CHECK(human_date(1998, 5, 3, 7) == "3.5.1998");
  CHECK(human_date(2001, 3, 22, 10) == "the 22nd of march, 2001");
  CHECK(human_date(2001, 3, 11, 10) == "the 11th of march, 2001");
  CHECK(human_date(2024, 2, 29, 11) == "thu, 29 feb 2024");
  CHECK(human_date(2049, 12, 31, 13) == "20491231");
  // (In May the short and long month names coincide, so a June date.)
  std::set<std::string> formats;
  for (int format = 0; format < kDateFormats; ++format) formats.insert(human_date(1998, 6, 4, format));
  CHECK(formats.size() == static_cast<std::size_t>(kDateFormats));
  CHECK(date_bucket("05/03/98") == 0);
  CHECK(date_bucket("may 3, 1998") == 1);
  CHECK(date_bucket("sunday, may 3, 1998") == 2);
}

TEST_CASE("dates: splits are deterministic, disjoint, and bucketed") {
  const DateSplits a = make_date_splits(300, 50, 20, 7), b = make_date_splits(300, 50, 20, 7);
  const DateSplits c = make_date_splits(300, 50, 20, 8);
  REQUIRE(a.train.size() == 300);
  REQUIRE(a.validation.size() == 50);
  REQUIRE(a.test.size() == 60);
  for (std::size_t i = 0; i < a.train.size(); ++i) CHECK(a.train[i].source == b.train[i].source);
  CHECK(a.train[0].source != c.train[0].source);
  std::set<std::string> sources;
  for (const auto* split : {&a.train, &a.validation, &a.test}) {
    for (const Translation& pair : *split) {
      CHECK(sources.insert(pair.source).second);
      CHECK(pair.target.size() == 10);
    }
  }
  std::vector<int> per_bucket(3, 0);
  for (const Translation& pair : a.test) ++per_bucket[date_bucket(pair.source)];
  CHECK(per_bucket == std::vector<int>{20, 20, 20});
}

TEST_CASE("phrasebook: a few hundred distinct pairs, hello -> bonjour, agreement") {
  const std::vector<Translation> pairs = phrasebook();
  CHECK(pairs.size() >= 200);
  std::set<std::string> sources;
  bool hello = false, agreement = false;
  for (const Translation& pair : pairs) {
    CHECK(sources.insert(pair.source).second);
    hello = hello || (pair.source == "hello" && pair.target == "bonjour");
    agreement = agreement || (pair.source == "she is tired" && pair.target == "elle est fatiguée");
  }
  CHECK(hello);
  CHECK(agreement);
}

TEST_CASE("translator: corpus layout, both model variants learn a tiny copy task, translation shapes") {
  const std::vector<Translation> pairs = {{"ab", "ab"}, {"ba", "ba"}, {"aab", "aab"}, {"bba", "bba"}};
  std::vector<std::string> texts;
  for (const Translation& pair : pairs) texts.push_back(pair.source);
  const Vocabulary chars = Vocabulary::from_texts(texts, Tokenization::characters);
  const ParallelCorpus corpus = make_corpus(pairs, chars, chars);
  // decoder input "<start> a b", target "a b <end>"
  CHECK(allclose(slice(corpus.decoder_input, 0, 0, 1), tensor({{1, 4, 5, 0}}), 0, 0));
  CHECK(allclose(slice(corpus.decoder_target, 0, 0, 1), tensor({{4, 5, 2, 0}}), 0, 0));
  for (bool attention : {false, true}) {
    Generator gen(1);
    Translator model({.source_vocab = chars.size(), .target_vocab = chars.size(), .embedding = 8, .hidden = 16,
                      .attention = attention},
                     gen);
    const std::vector<Real> losses =
        train_translator(model, corpus, {.epochs = 150, .batch_size = 4, .learning_rate = 0.02, .decay = 1,
                                         .print_every = 1000},
                         gen);
    CHECK(losses.back() < 0.1 * losses.front());
    std::vector<Tensor> alignments;
    const std::vector<std::string> out = translate_texts(model, texts, chars, chars, 5, attention ? &alignments : nullptr);
    CHECK(exact_match(out, pairs) == 1);
    if (attention) {
      REQUIRE(alignments.size() == 4);
      CHECK(alignments[2].shape() == Shape{4, 3});  // "aab": 3 tokens and <end>, over 3 source characters
      CHECK(allclose(sum(alignments[2], 1), ones({4}), 1e-5, 1e-5));
    }
  }
}

TEST_CASE("dates: is_valid_iso_date knows the calendar") {
  CHECK(is_valid_iso_date("2024-02-29"));
  CHECK_FALSE(is_valid_iso_date("2023-02-29"));
  CHECK_FALSE(is_valid_iso_date("2001-02-31"));
  CHECK_FALSE(is_valid_iso_date("2001-13-01"));
  CHECK_FALSE(is_valid_iso_date("999-09-09"));
  CHECK_FALSE(is_valid_iso_date("2001-1a-01"));
  CHECK(is_valid_iso_date("1900-12-31"));
}

TEST_CASE("phrasebook: the held-out pairs are new combinations of words the training pairs hold") {
  const PhrasebookSplits splits = phrasebook_splits();
  CHECK(splits.train.size() + splits.held_out.size() == phrasebook().size());
  CHECK(splits.held_out.size() >= 30);
  std::set<std::string> seen, training_sources;
  for (const Translation& pair : splits.train) {
    training_sources.insert(pair.source);
    for (const std::string* text : {&pair.source, &pair.target}) {
      std::istringstream in(*text);
      for (std::string word; in >> word;) seen.insert(word);
    }
  }
  for (const Translation& pair : splits.held_out) {
    CHECK_FALSE(training_sources.contains(pair.source));
    for (const std::string* text : {&pair.source, &pair.target}) {
      std::istringstream in(*text);
      for (std::string word; in >> word;) CHECK_MESSAGE(seen.contains(word), word);
    }
  }
}

TEST_CASE("images: normalisation, median, resizing and luma do what they say") {
  const Tensor image = tensor({{{0.2, 0.4}, {0.6, 1.0}}});  // (1, 2, 2)
  CHECK(allclose(normalize_each_image(image), tensor({{{0, 0.25}, {0.5, 1}}}), 1e-6, 1e-6));
  CHECK(allclose(resize_area(image, 2), tensor({{{0.55}}}), 1e-6, 1e-6));
  CHECK(allclose(resize_nearest(image, 2), tensor({{{0.2}}}), 0, 0));
  CHECK(allclose(resize_area(upscale_nearest(image, 3), 3), image, 1e-6, 1e-6));
  // A lone bright speck disappears under the median; a flat image stays.
  Tensor speck = zeros({1, 5, 5});
  speck.at({0, 2, 2}) = 1;
  CHECK(allclose(median_filter(speck), zeros({1, 5, 5}), 0, 0));
  CHECK(allclose(median_filter(full({1, 3, 3}, 0.5)), full({1, 3, 3}, 0.5), 0, 0));
  const Tensor grey_pixel = full({1, 1, 1, 3}, 0.5), red_pixel = tensor({{{{1, 0, 0}}}});
  CHECK(luminance(grey_pixel).item() == doctest::Approx(0.5));
  CHECK(luminance(red_pixel).item() == doctest::Approx(0.299));
  CHECK_THROWS_AS((void)luminance(image), ShapeError);
  CHECK_THROWS_AS((void)median_filter(grey_pixel), ShapeError);
}

TEST_CASE("explorer: a page only when asked (full mode, or --html), with its data inside and nothing fetched") {
  const std::string out = (std::filesystem::temp_directory_path() / "attograd_explorer_test").string();
  const auto parsed = [&](std::vector<std::string> flags) {
    std::vector<std::string> words = {"tutorial", "--out", out};
    words.insert(words.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    return parse_options(static_cast<int>(argv.size()), argv.data(), "test");
  };
  CHECK(parsed({}).html);
  CHECK_FALSE(parsed({"--quick"}).html);
  CHECK(parsed({"--quick", "--html"}).html);
  CHECK_FALSE(parsed({"--no-html"}).html);

  ExplorerPage off(parsed({"--quick"}), "off");
  CHECK(off.save("off").empty());
  ExplorerPage page(parsed({"--quick", "--html"}), "a <title>");
  Var w(tensor({1.0, 2.0}), true);
  page.add_graph("a graph", sum(tanh(w * w)));
  page.add_attention({.title = "a map", .rows = {"a", "b"}, .cols = {"x"}, .heads = {tensor({{1.0}, {1.0}})}});
  CHECK_THROWS_AS(page.add_attention({.title = "bad", .rows = {"a"}, .cols = {"x"}, .heads = {tensor({{1.0}, {1.0}})}}),
                  ShapeError);
  page.add_curve({.title = "loss", .y_label = "loss", .series = {{"training", {2.0, 1.0}}}});
  const std::string path = page.save("page");
  std::ifstream in(path);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(html.find(R"("title":"a \u003ctitle>")") != std::string::npos);
  CHECK(html.find(R"("op":"tanh")") != std::string::npos);
  // A float build runs no gradient check: its page points to the table's page, run in double.
  CHECK((html.find(R"("checks_elsewhere":{"note":)") != std::string::npos) == (sizeof(Real) < 8));
  CHECK((html.find(R"("address":"gradcheck.html#show=checks")") != std::string::npos) == (sizeof(Real) < 8));
  CHECK(html.find(R"("rows":["a","b"])") != std::string::npos);
  CHECK(html.find("function graphPanel") != std::string::npos);  // the script is inside
  for (const char* fetches : {"<script src", "<link", "fetch(", "XMLHttpRequest", "import(", "https://"}) {
    CAPTURE(fetches);
    CHECK(html.find(fetches) == std::string::npos);  // nothing from the network
  }
  std::filesystem::remove_all(out);
}
