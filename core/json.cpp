#include "core/json.h"

#include "core/errors.h"

#include <fmt/format.h>

#include <cmath>

namespace atto {

void Json::comma() {
  if (open_.empty()) return;
  if (!open_.back().empty) out_ += ',';
  open_.back().empty = false;
}

void Json::separate() {
  if (open_.empty() && complete_) throw_argument_error("Json", "a second value after the whole document");
  if (open_.empty()) complete_ = true;  // a value at the root is the whole document
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!open_.empty() && open_.back().closer == '}') {
    throw_argument_error("Json", "a value inside an object needs key() first");
  }
  comma();
}

Json& Json::open(char closer) {
  separate();
  out_ += closer == '}' ? '{' : '[';
  open_.push_back({closer, true});
  return *this;
}

Json& Json::close(char closer, const char* what) {
  if (open_.empty() || open_.back().closer != closer || after_key_) {
    throw_argument_error("Json", "{} does not close what is open", what);
  }
  open_.pop_back();
  out_ += closer;
  return *this;
}

Json& Json::begin_object() { return open('}'); }
Json& Json::end_object() { return close('}', "end_object"); }
Json& Json::begin_array() { return open(']'); }
Json& Json::end_array() { return close(']', "end_array"); }

Json& Json::key(std::string_view name) {
  if (open_.empty() || open_.back().closer != '}' || after_key_) {
    throw_argument_error("Json", "key \"{}\" outside an object, or after another key", name);
  }
  comma();
  write_string(name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

Json& Json::value(std::string_view text) {
  separate();
  write_string(text);
  return *this;
}

void Json::write_string(std::string_view text) {
  out_ += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\t': out_ += "\\t"; break;
      case '\r': out_ += "\\r"; break;
      // "</script>" or "<!--" inside a string would end or upset the page's
      // <script> element: no '<' is written as itself.
      case '<': out_ += "\\u003c"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
}

Json& Json::value(double number) {
  if (std::isnan(number)) return value("NaN");
  if (std::isinf(number)) return value(number > 0 ? "Infinity" : "-Infinity");
  separate();
  out_ += fmt::format("{:.5g}", number);
  return *this;
}

Json& Json::exact(double number) {
  if (!std::isfinite(number)) return value(number);
  separate();
  out_ += fmt::format("{}", number);  // the shortest text that reads back as the same double
  return *this;
}

Json& Json::value(Index number) {
  separate();
  out_ += fmt::format("{}", number);
  return *this;
}

Json& Json::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  return *this;
}

Json& Json::null() {
  separate();
  out_ += "null";
  return *this;
}

Json& Json::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

}  // namespace atto
