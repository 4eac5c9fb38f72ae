// A tutorial's explorer page (autograd/explorer.h): written to <out>/<name>.html
// when the run writes pages (--html, or full mode without --no-html);
// otherwise every call is cheap and writes nothing. A tutorial makes one
// after parse_options: it sees every gradcheck the tutorial runs from then on.
#pragma once

#include "autograd/explorer.h"
#include "nn/module.h"
#include "tutorials/common/options.h"

#include <fmt/format.h>

#include <string>

namespace atto::tutorial {

using atto::AttentionMap;
using atto::Curve;

class ExplorerPage : public atto::Explorer {
 public:
  ExplorerPage(const Options& options, std::string title)
      : atto::Explorer(std::move(title), options.html), out_dir_(options.out_dir) {
    if constexpr (sizeof(Real) < 8) {
      set_checks_elsewhere(
          "This tutorial is built in single precision, where finite differences drown in rounding, so it "
          "runs no gradient check itself. Every op and layer it uses is checked in double precision in the "
          "library's table, Jacobian by Jacobian, with each op's graph and formula: gradcheck.html beside this "
          "page, which make tutorials writes (or: build/tests/gradcheck --html " + out_dir_ + "/gradcheck.html).",
          "gradcheck.html#show=checks");
    }
  }

  using atto::Explorer::add_graph;
  // The graph with the model's parameters named by their place in it.
  void add_graph(const std::string& caption, const Var& loss, const Module* model) {
    add_graph(caption, loss, model ? parameter_names(*model) : NodeNames{});
  }

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
