// Tutorial 14's text: reading a file of documents, checking it is text,
// splitting it into training and held-out documents, and a vocabulary of
// characters (UTF-8 code points) built from the training part alone.
#pragma once

#include "core/tensor.h"

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace atto::tutorial {

// What a text file cannot be trained on: empty, binary (a NUL byte, or
// bytes that are not UTF-8) or too short. The message says which.
struct TextError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The most bytes a text file may hold (the tutorial trains for minutes).
constexpr std::uintmax_t kMostTextBytes = 64u << 20;

// The code points of `bytes`, each as its UTF-8 string; backspace overstrikes
// (old fortune files underline with "_\b") are undone. Throws TextError,
// naming `what`, on a NUL byte or bytes that are not UTF-8.
std::vector<std::string> utf8_characters(const std::string& bytes, const std::string& what);

// The same for a regular file of at most kMostTextBytes, and at least
// `minimum_characters` characters. Throws TextError saying what is wrong.
std::vector<std::string> read_characters(const std::string& path, std::size_t minimum_characters);

// Characters split into documents: at lines holding only "%" (the fortune
// format), else at blank lines, else at line ends.
std::vector<std::vector<std::string>> split_documents(const std::vector<std::string>& characters);

// A built-in text: short proverbs written for this tutorial (public domain),
// one document each.
std::vector<std::vector<std::string>> builtin_proverbs();

struct TextSplit {
  std::vector<std::string> train, held_out;  // documents joined by "\n%\n"
  std::size_t train_documents = 0, held_out_documents = 0;
};
// Every tenth document held out (the 5th, 15th, ...), the rest for training.
TextSplit split_text(const std::vector<std::vector<std::string>>& documents);

// Id 0 is <unk>: any character the training text did not have.
class CharVocabulary {
 public:
  explicit CharVocabulary(const std::vector<std::string>& training);
  Index size() const { return static_cast<Index>(chars_.size()) + 1; }
  Index id(const std::string& character) const;  // 0 when unknown
  const std::string& character(Index id) const;  // "<unk>" for 0
  std::vector<Index> encode(const std::vector<std::string>& text, Index* unknown = nullptr) const;
  std::vector<std::uint32_t> code_points() const;

 private:
  std::vector<std::string> chars_;  // id - 1 -> character, sorted
  std::map<std::string, Index> ids_;
};

// The code point of one UTF-8 character.
std::uint32_t code_point(const std::string& character);

// The words of a text (letters and apostrophes, lower-cased).
[[nodiscard]] std::vector<std::string> words_of(const std::string& text);

// The characters of `ids` from position `from` on, as text.
[[nodiscard]] std::string text_of(const CharVocabulary& vocab, const std::vector<Index>& ids, std::size_t from = 0);

}  // namespace atto::tutorial
