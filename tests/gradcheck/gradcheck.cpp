// gradcheck: runs the gradient check of every registered op (autograd/op_checks.cpp)
// in double precision and prints a table. Exits 1 if any check fails.
//
//   gradcheck [--op NAME] [--list] [--seed S]
#include "autograd/autograd.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace {

int usage(const std::string& problem) {
  fmt::print(stderr, "gradcheck: {}\nusage: gradcheck [--op NAME] [--list] [--seed S]\n", problem);
  return 2;
}

std::string shapes_text(const std::vector<atto::Shape>& shapes) {
  std::string text;
  for (const auto& shape : shapes) {
    if (!text.empty()) text += ' ';
    text += atto::to_string(shape);
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::string only;
  bool list = false;
  std::uint64_t seed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--list") {
      list = true;
    } else if (arg == "--op" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--seed" && i + 1 < argc) {
      const std::string value = argv[++i];
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seed);
      if (error != std::errc() || end != value.data() + value.size()) return usage("--seed needs a whole number");
    } else {
      return usage(fmt::format("unknown or incomplete argument '{}'", arg));
    }
  }
  const auto& checks = atto::op_checks();
  if (list) {
    for (const auto& check : checks) fmt::print("{}\n", check.name);
    return 0;
  }
  fmt::print("{:<42} {:<24} {:>12} {:>12}  {}\n", "op", "input shapes", "max abs err", "max rel err", "result");
  int failed = 0, ran = 0;
  for (const auto& check : checks) {
    if (!only.empty() && check.name != only) continue;
    const atto::GradcheckResult result = atto::run_op_check(check, seed);
    ++ran;
    failed += !result.passed;
    fmt::print("{:<42} {:<24} {:>12.3e} {:>12.3e}  {}\n", check.name, shapes_text(check.input_shapes),
               result.max_abs_error, result.max_rel_error, result.passed ? "PASS" : "FAIL");
    if (!result.passed) fmt::print("    {}\n", result.report());
  }
  if (ran == 0) return usage(fmt::format("no op named '{}' (see --list)", only));
  fmt::print("\n{} passed, {} failed\n", ran - failed, failed);
  return failed == 0 ? 0 : 1;
}
