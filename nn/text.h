// Text to token ids and back, for sequence models.
//
// A Vocabulary maps tokens (characters or words) to ids. The first four ids
// are reserved: 0 padding (so zeros pad a batch and an Embedding with
// padding_index 0 ignores it), 1 start (what a decoder is fed first), 2 end
// (what it must emit last), 3 unknown (any token not seen when the
// vocabulary was built).
//
//   Vocabulary chars = Vocabulary::from_texts(dates, Tokenization::characters);
//   Tensor batch = chars.encode_batch({"3 may 1998", "05/03/98"}, {.end = true});
//   std::string back = chars.decode(ids);   // stops at the end token
#pragma once

#include "core/ids.h"
#include "core/tensor.h"

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atto {

// characters: every byte is a token (fine for ASCII text).
// words: tokens are separated by spaces.
enum class Tokenization { characters, words };

struct EncodeOptions {
  bool start = false;  // put the start token first
  bool end = false;    // put the end token last
  Index length = 0;    // pad (or refuse) to this length; 0: the longest text's length
};

class Vocabulary {
 public:
  static constexpr Index kPad = 0, kStart = 1, kEnd = 2, kUnknown = 3;

  // The reserved tokens, then `tokens` in the order given (duplicates are an error).
  Vocabulary(const std::vector<std::string>& tokens, Tokenization tokenization);
  // Every distinct token in the texts, sorted, so the ids do not depend on
  // the order of the texts.
  static Vocabulary from_texts(std::span<const std::string> texts, Tokenization tokenization);

  Index size() const { return static_cast<Index>(tokens_.size()); }
  Tokenization tokenization() const { return tokenization_; }
  [[nodiscard]] Index id(std::string_view token) const;   // kUnknown when not in the vocabulary
  const std::string& token(Index id) const;  // throws ArgumentError when out of range

  [[nodiscard]] std::vector<std::string> split(std::string_view text) const;
  [[nodiscard]] std::vector<Index> encode(std::string_view text) const;
  // Tokens up to the first end token, leaving out padding and start, joined
  // back (with spaces for words).
  [[nodiscard]] std::string decode(std::span<const Index> ids) const;
  [[nodiscard]] std::string decode(const Tensor& ids) const;  // a 1-D tensor of ids

  // (N, length) ids, padded with kPad on the right. Throws ArgumentError when a
  // text does not fit options.length.
  [[nodiscard]] Tensor encode_batch(std::span<const std::string> texts, EncodeOptions options = {}) const;
  // The same, as Ids: exact at any vocabulary size (core/ids.h).
  [[nodiscard]] Ids encode_batch_ids(std::span<const std::string> texts, EncodeOptions options = {}) const;

 private:
  std::vector<std::string> tokens_;
  std::map<std::string, Index, std::less<>> ids_;
  Tokenization tokenization_;
};

// 1 where a batch of ids holds a real token, 0 at padding: the mask LSTM and
// Attention take.
[[nodiscard]] Tensor padding_mask(const Tensor& ids);
[[nodiscard]] Tensor padding_mask(const Ids& ids);

}  // namespace atto
