#include "tutorials/14_gpt/char_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace atto::tutorial {

std::uint32_t code_point(const std::string& character) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(character[i])); };
  switch (character.size()) {
    case 1: return byte(0);
    case 2: return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3: return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default: return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
  }
}

std::vector<std::string> utf8_characters(const std::string& bytes, const std::string& what) {
  std::vector<std::string> chars;
  for (std::size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead == 0) throw TextError(fmt::format("{} is binary: a NUL byte at offset {}", what, i));
    const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= bytes.size();
    for (std::size_t k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(bytes[i + k]) >> 6) == 0x2;
    if (!valid) throw TextError(fmt::format("{} is not UTF-8 text: a bad byte at offset {}", what, i));
    std::string c = bytes.substr(i, length);
    i += length;
    if (c == "\r") continue;
    if (c == "\b") {  // an overstrike: the character before it is struck over
      if (!chars.empty() && chars.back() != "\n") chars.pop_back();
      continue;
    }
    chars.push_back(std::move(c));
  }
  return chars;
}

std::vector<std::string> read_characters(const std::string& path, std::size_t minimum_characters) {
  // A regular file of bounded size: a device or a pipe could be read forever.
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw TextError(fmt::format("cannot read '{}': not a regular file", path));
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw TextError(fmt::format("cannot read '{}': {}", path, error.message()));
  if (size > kMostTextBytes) {
    throw TextError(fmt::format("'{}' is {} bytes, more than this tutorial trains on ({})", path, size, kMostTextBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TextError(fmt::format("cannot read '{}'", path));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw TextError(fmt::format("'{}' is empty", path));
  std::vector<std::string> chars = utf8_characters(bytes, fmt::format("'{}'", path));
  if (chars.size() < minimum_characters) {
    throw TextError(fmt::format("'{}' is too short: {} characters, at least {} needed", path, chars.size(),
                                minimum_characters));
  }
  return chars;
}

namespace {

// Lines of characters, without their "\n".
std::vector<std::vector<std::string>> lines_of(const std::vector<std::string>& chars) {
  std::vector<std::vector<std::string>> lines(1);
  for (const std::string& c : chars) {
    if (c == "\n") {
      lines.emplace_back();
    } else {
      lines.back().push_back(c);
    }
  }
  return lines;
}

bool blank(const std::vector<std::string>& line) {
  return std::all_of(line.begin(), line.end(), [](const std::string& c) { return c == " " || c == "\t"; });
}

}  // namespace

std::vector<std::vector<std::string>> split_documents(const std::vector<std::string>& characters) {
  const auto lines = lines_of(characters);
  const bool fortunes = std::any_of(lines.begin(), lines.end(), [](const auto& l) { return l == std::vector<std::string>{"%"}; });
  const bool paragraphs = std::any_of(lines.begin(), lines.end(), blank);
  std::vector<std::vector<std::string>> documents(1);
  for (const auto& line : lines) {
    const bool boundary = fortunes ? line == std::vector<std::string>{"%"} : paragraphs ? blank(line) : true;
    if (boundary && !fortunes && !paragraphs) documents.back().insert(documents.back().end(), line.begin(), line.end());
    if (boundary) {
      if (!documents.back().empty()) documents.emplace_back();
      continue;
    }
    if (!documents.back().empty()) documents.back().push_back("\n");
    documents.back().insert(documents.back().end(), line.begin(), line.end());
  }
  if (documents.back().empty()) documents.pop_back();
  return documents;
}

TextSplit split_text(const std::vector<std::vector<std::string>>& documents) {
  TextSplit split;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const bool held = d % 10 == 5;
    std::vector<std::string>& part = held ? split.held_out : split.train;
    (held ? split.held_out_documents : split.train_documents)++;
    part.insert(part.end(), documents[d].begin(), documents[d].end());
    for (const char* c : {"\n", "%", "\n"}) part.emplace_back(c);
  }
  return split;
}

CharVocabulary::CharVocabulary(const std::vector<std::string>& training) {
  const std::set<std::string> distinct(training.begin(), training.end());
  chars_.assign(distinct.begin(), distinct.end());
  for (std::size_t i = 0; i < chars_.size(); ++i) ids_[chars_[i]] = static_cast<Index>(i) + 1;
}

Index CharVocabulary::id(const std::string& character) const {
  const auto it = ids_.find(character);
  return it == ids_.end() ? 0 : it->second;
}

const std::string& CharVocabulary::character(Index id) const {
  static const std::string unknown = "<unk>";
  return id <= 0 || id > static_cast<Index>(chars_.size()) ? unknown : chars_[static_cast<std::size_t>(id - 1)];
}

std::vector<Index> CharVocabulary::encode(const std::vector<std::string>& text, Index* unknown) const {
  std::vector<Index> ids;
  ids.reserve(text.size());
  for (const std::string& c : text) {
    ids.push_back(id(c));
    if (unknown != nullptr && ids.back() == 0) ++*unknown;
  }
  return ids;
}

std::vector<std::uint32_t> CharVocabulary::code_points() const {
  std::vector<std::uint32_t> points;
  for (const std::string& c : chars_) points.push_back(code_point(c));
  return points;
}

std::vector<std::vector<std::string>> builtin_proverbs() {
  static const char* const kProverbs[] = {
      "A kettle watched by two cooks boils no faster than one watched by none.",
      "The river does not argue with the stone; it goes around and arrives.",
      "A borrowed ladder is always one rung short.",
      "He who counts the clouds will not plant the field.",
      "A quiet dog still knows where the bone is buried.",
      "The lamp that burns at both ends lights the room for half the night.",
      "Every road is short to the one who is late.",
      "Do not sell the wool before the sheep is shorn.",
      "A full purse makes a loud friend; an empty one finds the true one.",
      "The early baker feeds the town and sleeps at noon.",
      "Rain on the roof is music to the one who mended it.",
      "A small key opens a large door.",
      "The hen that cackles most lays no more eggs.",
      "When the well is dry, the village learns what water was worth.",
      "Patience is a slow horse that always reaches the inn.",
      "A broken clock is right twice a day and wrong with great confidence.",
      "The cat that waits at the door is fed before the cat that sings.",
      "Too many maps and the traveller never leaves the table.",
      "Salt is not praised until the soup is poured.",
      "The tallest tree catches the first wind and the first axe.",
      "Three fishermen, four stories of one fish.",
      "A lie runs fast but tires before the truth has finished its breakfast.",
      "A good neighbour is worth more than a distant brother.",
      "The miller grinds the grain that comes, not the grain he wishes for.",
      "An old shoe knows the way home.",
      "Whoever sweeps the stairs must start at the top.",
      "The owl is wise because it listens more than it hoots.",
      "Bread shared is bread that lasts.",
      "A gate left open invites both the goat and the wolf.",
      "The candle does not lose its flame by lighting another.",
      "Cold hands, warm soup, early bed.",
      "A promise is a cloud; a deed is the rain.",
      "The fox that chases two hens goes home hungry.",
      "Mend the net before the fish arrive.",
      "A slow word is seldom a wrong word.",
      "The sea is wide, and so is the excuse of the sailor.",
      "No one climbs a hill by looking at the summit.",
      "A sharp knife is safer than a dull one in a careful hand.",
      "The garden rewards the knees, not the eyes.",
      "Winter asks what summer did.",
      "A door that creaks hangs longest.",
      "The thief fears the dog; the dog fears the bath.",
      "Better a small fire that warms than a large one that burns.",
      "The bell does not ring for the one who pulls the rope.",
      "Two hands wash each other and both come out clean.",
      "A crooked fence still keeps the cows in.",
      "Ask the path from those who walked it, not from those who drew it.",
      "The loudest drum is hollow inside.",
      "A tired horse does not count the miles.",
      "Many hands make a heavy table light.",
      "The wind cannot read, yet it turns every page.",
      "An apple a day is a fine plan until the orchard is closed.",
      "The mouse that knows one hole is soon caught.",
      "Water the roots and the leaves will thank you.",
      "A stitch in the morning saves a night of sewing.",
      "The ferryman is paid on the far shore.",
      "Do not measure the well with a short rope.",
      "Pride rides out on a horse and walks home.",
      "The sun sets on the busy and the idle alike.",
      "A riddle answered is a lamp blown out.",
      "Every stone in the wall was once a stone in the road.",
      "The crow admires her own chicks most of all.",
      "A kind word costs nothing and buys much.",
      "When the cart is full, the mule is honest.",
      "The patient fisher eats; the restless fisher talks.",
      "Clouds in the morning, umbrellas by noon.",
      "A house is built with hands and kept with hearts.",
      "The one who plants dates may not eat them, but his grandson will.",
      "Hunger is the best cook and the worst guest.",
      "The moon does not hurry, yet it is never late.",
      "Old wood burns best; old friends warm longest.",
      "A locked chest tempts more than an open one.",
      "He who guards every coin loses the night's sleep.",
      "The needle is small, but the coat waits on it.",
      "Speak of the wolf and you will see its tail.",
      "A calm sea never made a skilled sailor.",
      "The first pancake is for the dog.",
      "Seeds do not care who owns the field.",
      "A lantern is no use to the one who shuts his eyes.",
      "Rest the ox and the furrow is straighter.",
  };
  std::vector<std::vector<std::string>> documents;
  for (const char* proverb : kProverbs) {
    std::vector<std::string> chars;
    for (const char* c = proverb; *c != '\0'; ++c) chars.emplace_back(1, *c);
    documents.push_back(std::move(chars));
  }
  return documents;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words(1);
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '\'') {
      words.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

std::string text_of(const CharVocabulary& vocab, const std::vector<Index>& ids, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < ids.size(); ++i) text += vocab.character(ids[i]);
  return text;
}

}  // namespace atto::tutorial
