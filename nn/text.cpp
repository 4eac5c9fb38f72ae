#include "nn/text.h"

#include "core/errors.h"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace atto {

Vocabulary::Vocabulary(const std::vector<std::string>& tokens, Tokenization tokenization)
    : tokens_{"<pad>", "<start>", "<end>", "<unk>"}, tokenization_(tokenization) {
  if (tokenization != Tokenization::characters && tokenization != Tokenization::words) {
    throw_argument_error("Vocabulary", "tokenization {} is neither Tokenization::characters nor ::words",
                         static_cast<int>(tokenization));
  }
  for (Index id = 0; id < size(); ++id) ids_.emplace(tokens_[id], id);
  for (const std::string& token : tokens) {
    if (token.empty()) throw ArgumentError("Vocabulary: empty token");
    if (!ids_.emplace(token, size()).second) {
      throw ArgumentError(fmt::format("Vocabulary: token '{}' given twice (or clashes with a reserved one)", token));
    }
    tokens_.push_back(token);
  }
}

Vocabulary Vocabulary::from_texts(std::span<const std::string> texts, Tokenization tokenization) {
  const Vocabulary splitter({}, tokenization);
  std::set<std::string> distinct;
  for (const std::string& text : texts) {
    for (std::string& token : splitter.split(text)) distinct.insert(std::move(token));
  }
  return Vocabulary(std::vector<std::string>(distinct.begin(), distinct.end()), tokenization);
}

Index Vocabulary::id(std::string_view token) const {
  const auto found = ids_.find(token);
  return found == ids_.end() ? kUnknown : found->second;
}

const std::string& Vocabulary::token(Index id) const {
  if (id < 0 || id >= size()) throw ArgumentError(fmt::format("Vocabulary: id {} out of range [0, {})", id, size()));
  return tokens_[id];
}

std::vector<std::string> Vocabulary::split(std::string_view text) const {
  std::vector<std::string> tokens;
  if (tokenization_ == Tokenization::characters) {
    for (char c : text) tokens.emplace_back(1, c);
    return tokens;
  }
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t begin = text.find_first_not_of(' ', at);
    if (begin == std::string_view::npos) break;
    const std::size_t end = std::min(text.find(' ', begin), text.size());
    tokens.emplace_back(text.substr(begin, end - begin));
    at = end;
  }
  return tokens;
}

std::vector<Index> Vocabulary::encode(std::string_view text) const {
  std::vector<Index> ids;
  for (const std::string& token : split(text)) ids.push_back(id(token));
  return ids;
}

std::string Vocabulary::decode(std::span<const Index> ids) const {
  std::string text;
  for (Index id : ids) {
    if (id == kEnd) break;
    if (id == kPad || id == kStart) continue;
    if (!text.empty() && tokenization_ == Tokenization::words) text += ' ';
    text += token(id);
  }
  return text;
}

std::string Vocabulary::decode(const Tensor& ids) const {
  if (ids.rank() != 1) throw_shape_error("Vocabulary::decode", "ids {}: need a 1-D tensor", ids.shape());
  std::vector<Index> as_ids(static_cast<std::size_t>(ids.numel()));
  for (Index i = 0; i < ids.numel(); ++i) as_ids[i] = static_cast<Index>(ids.data()[i]);
  return decode(as_ids);
}

Ids Vocabulary::encode_batch_ids(std::span<const std::string> texts, EncodeOptions options) const {
  std::vector<std::vector<Index>> rows;
  Index longest = 0;
  for (const std::string& text : texts) {
    std::vector<Index> row;
    if (options.start) row.push_back(kStart);
    for (Index id : encode(text)) row.push_back(id);
    if (options.end) row.push_back(kEnd);
    longest = std::max(longest, static_cast<Index>(row.size()));
    rows.push_back(std::move(row));
  }
  if (options.length < 0) {
    throw_argument_error("encode_batch_ids", "length {} must be positive, or 0 for the longest text's", options.length);
  }
  const Index length = options.length > 0 ? options.length : longest;
  if (longest > length) {
    throw ArgumentError(
        fmt::format("Vocabulary::encode_batch: a text needs {} tokens, more than the length {}", longest, length));
  }
  std::vector<Index> ids(rows.size() * static_cast<std::size_t>(length), kPad);
  for (std::size_t n = 0; n < rows.size(); ++n) {
    std::copy(rows[n].begin(), rows[n].end(), ids.begin() + static_cast<std::ptrdiff_t>(n) * length);
  }
  return Ids({static_cast<Index>(rows.size()), length}, std::move(ids));
}

Tensor Vocabulary::encode_batch(std::span<const std::string> texts, EncodeOptions options) const {
  // Beyond 2^24 ids (in float) neighbouring ids would round together.
  if (size() > (Index{1} << std::numeric_limits<Real>::digits)) {
    throw ArgumentError(fmt::format("Vocabulary::encode_batch: {} tokens are more ids than this build's numbers "
                                    "hold exactly; use encode_batch_ids", size()));
  }
  const Ids ids = encode_batch_ids(texts, options);
  Tensor batch = Tensor::empty(ids.shape());
  std::transform(ids.values().begin(), ids.values().end(), batch.data(),
                 [](Index id) { return static_cast<Real>(id); });
  return batch;
}

Tensor padding_mask(const Tensor& ids) {
  Tensor mask = Tensor::empty(ids.shape());
  Real* out = mask.data();
  for (Index i = 0; i < ids.numel(); ++i) out[i] = ids.data()[i] != Real(Vocabulary::kPad) ? 1 : 0;
  return mask;
}

Tensor padding_mask(const Ids& ids) {
  Tensor mask = Tensor::empty(ids.shape());
  Real* out = mask.data();
  for (Index i = 0; i < ids.numel(); ++i) out[i] = ids[i] != Vocabulary::kPad ? 1 : 0;
  return mask;
}

}  // namespace atto
