// A tutorial's explorer page (nn/explorer.h): written to <out>/<name>.html
// when the run writes pages (--html, or full mode without --no-html);
// otherwise every call is cheap and writes nothing. A tutorial makes one
// after parse_options: it sees every gradcheck the tutorial runs from then on.
#pragma once

#include "nn/explorer.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <string>

namespace atto::tutorial {

using atto::AttentionMap;
using atto::Curve;

class ExplorerPage : public atto::Explorer {
 public:
  ExplorerPage(const Options& options, std::string title)
      : atto::Explorer(std::move(title), options.html), out_dir_(options.out_dir) {}

  // Writes <out>/<name>.html and says so; returns its path ("" when off).
  std::string save(const std::string& name) const {
    if (!enabled()) return "";
    const std::string path = out_dir_ + "/" + name + ".html";
    write(path);
    fmt::print("wrote {} (open it in a browser)\n", path);
    return path;
  }

 private:
  std::string out_dir_;
};

}  // namespace atto::tutorial
