// The gradient-check table and the `gradcheck` program around it
// (declared in autograd/op_checks.h).
#include "autograd/op_checks.h"

#include "autograd/jacobian_picture.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace atto {

namespace {

std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string text;
  for (const auto& shape : shapes) {
    if (!text.empty()) text += ' ';
    text += to_string(shape);
  }
  return text;
}

constexpr const char* kUsage =
    "usage: gradcheck [--op PREFIX] [--list] [--seed S] [--pictures DIR] [--html FILE] [--help]\n"
    "  --op PREFIX     only the checks whose names start with PREFIX\n"
    "  --list          name every check and exit\n"
    "  --seed S        seed of the random inputs (default 0)\n"
    "  --pictures DIR  write each failing check's Jacobians as DIR/NAME_jacobian.svg (DIR is created)\n"
    "  --html FILE     write the table as a page to open in a browser: every check, Jacobian by\n"
    "                  Jacobian, and every op's graph with its backward formula\n";

int usage(const std::string& problem) {
  fmt::print(stderr, "gradcheck: {}\n{}", problem, kUsage);
  return 2;
}

}  // namespace

OpCheckTally print_op_check_table(const std::string& prefix, std::uint64_t seed, const std::string& pictures_dir,
                                  Explorer* page) {
  OpCheckTally tally;
  fmt::print("{:<40} {:<36} {:>12} {:>12}  {}\n", "op", "input shapes", "max abs err", "max rel err", "result");
  for (const auto& check : op_checks()) {
    if (!check.name.starts_with(prefix)) continue;
    if (page != nullptr && page->enabled()) {
      std::vector<Var> leaves;
      for (const Tensor& input : op_check_inputs(check, seed)) leaves.emplace_back(input, true);
      try {
        page->add_graph(check.name, check.fn(leaves));
      } catch (const Error&) {
        // The check below says why the op failed on these inputs.
      }
    }
    const GradcheckResult result = run_op_check(check, seed);
    ++tally.ran;
    tally.failed += !result.passed;
    fmt::print("{:<40} {:<36} {:>12.3e} {:>12.3e}  {}\n", check.name, shapes_text(check.input_shapes),
               result.max_abs_error, result.max_rel_error, result.passed ? "PASS" : "FAIL");
    if (!result.passed) fmt::print("    {}\n", result.report());
    if (!result.passed && !pictures_dir.empty() && !result.analytic_jacobian.empty()) {
      const std::string path = (std::filesystem::path(pictures_dir) / (check.name + "_jacobian.svg")).string();
      write_jacobian_picture(result, path);
      fmt::print("    {}\n    wrote {}\n", result.diagnosis(), path);
    }
    std::fflush(stdout);  // a row at a time: a long table, or one cut short, keeps what it has
  }
  fmt::print("\n{} passed, {} failed\n", tally.ran - tally.failed, tally.failed);
  return tally;
}

int gradcheck_main(int argc, char** argv) {
  std::string prefix;
  bool list = false;
  std::uint64_t seed = 0;
  std::string pictures_dir, html;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("gradcheck: the gradient check of every op and layer, in double precision\n{}", kUsage);
      return 0;
    } else if (arg == "--list") {
      list = true;
    } else if (arg == "--html" && i + 1 < argc) {
      html = argv[++i];
    } else if (arg == "--op" && i + 1 < argc) {
      prefix = argv[++i];
    } else if (arg == "--pictures" && i + 1 < argc) {
      pictures_dir = argv[++i];
    } else if (arg == "--seed" && i + 1 < argc) {
      const std::string value = argv[++i];
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seed);
      if (error != std::errc() || end != value.data() + value.size()) return usage("--seed needs a whole number");
    } else {
      return usage(fmt::format("unknown or incomplete argument '{}'", arg));
    }
  }
  if (list) {
    for (const auto& check : op_checks()) fmt::print("{}\n", check.name);
    return 0;
  }
  const bool any = std::ranges::any_of(op_checks(), [&](const OpCheck& c) { return c.name.starts_with(prefix); });
  if (!any) return usage(fmt::format("no op named '{}...' (see --list)", prefix));
  if (!pictures_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(pictures_dir, error);
    if (error || !std::filesystem::is_directory(pictures_dir)) {
      return usage(fmt::format("--pictures {}: cannot make that folder ({})", pictures_dir,
                               error ? error.message() : "a file is in the way"));
    }
  }
  // Opened before the checks run, so that a page that cannot be written
  // says so at once rather than after the whole table.
  if (!html.empty() && !std::ofstream(html, std::ios::app)) {
    return usage(fmt::format("--html {}: cannot write that file", html));
  }
  Explorer page("gradient checks: every op and layer, in double precision", !html.empty());
  const OpCheckTally tally = print_op_check_table(prefix, seed, pictures_dir, &page);
  if (!html.empty()) {
    try {
      page.write(html);
    } catch (const IOError& e) {
      return usage(e.what());
    }
    fmt::print("wrote {} (open it in a browser)\n", html);
  }
  return tally.failed == 0 ? 0 : 1;
}

}  // namespace atto
