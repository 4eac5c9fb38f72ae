// Writing JSON, for pages that a browser reads (the tutorials' explorer):
//
//   Json json;
//   json.begin_object().key("op").value("tanh").key("shape").begin_array();
//   for (Index d : shape) json.value(d);
//   json.end_array().end_object();
//
// Commas are placed for you, and a misplaced call (a value in an object
// without its key, end_array closing an object, a second value after the
// whole document) throws ArgumentError instead of writing broken JSON;
// strings are escaped, every '<' included (as \u003c), so the text can sit
// inside an HTML <script> element. value(double) keeps 5 significant digits
// (a picture needs no more, and a page stays small); exact(double) writes
// the shortest text that reads back as the same double, for numbers a page
// computes with. NaN and the infinities, which JSON has no word for, are
// written as the strings "NaN", "Infinity" and "-Infinity".
#pragma once

#include "core/real.h"

#include <string>
#include <string_view>
#include <vector>

namespace atto {

class Json {
 public:
  Json& begin_object();
  Json& end_object();
  Json& begin_array();
  Json& end_array();
  Json& key(std::string_view name);
  Json& value(std::string_view text);
  Json& value(const char* text) { return value(std::string_view(text)); }
  Json& value(double number);
  Json& exact(double number);
  Json& value(Index number);
  Json& value(int number) { return value(static_cast<Index>(number)); }
  Json& value(bool flag);
  Json& null();
  // Text that is already JSON (a document another Json wrote), as one value.
  Json& raw(std::string_view json);

  [[nodiscard]] const std::string& str() const { return out_; }

 private:
  void comma();
  void separate();
  void write_string(std::string_view text);
  Json& open(char closer);
  Json& close(char closer, const char* what);
  struct Open {
    char closer;  // '}' for an object, ']' for an array
    bool empty;   // nothing written in it yet
  };
  std::string out_;
  std::vector<Open> open_;
  bool after_key_ = false;
  bool complete_ = false;  // a whole value has been written at the root
};

}  // namespace atto
