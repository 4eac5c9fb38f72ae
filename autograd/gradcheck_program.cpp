// The gradient-check table and the `gradcheck` program around it
// (declared in autograd/op_checks.h).
#include "autograd/op_checks.h"

#include "autograd/jacobian_picture.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
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

int usage(const std::string& problem) {
  fmt::print(stderr, "gradcheck: {}\nusage: gradcheck [--op PREFIX] [--list] [--seed S] [--pictures DIR]\n", problem);
  return 2;
}

}  // namespace

OpCheckTally print_op_check_table(const std::string& prefix, std::uint64_t seed, const std::string& pictures_dir) {
  OpCheckTally tally;
  fmt::print("{:<40} {:<36} {:>12} {:>12}  {}\n", "op", "input shapes", "max abs err", "max rel err", "result");
  for (const auto& check : op_checks()) {
    if (!check.name.starts_with(prefix)) continue;
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
  }
  fmt::print("\n{} passed, {} failed\n", tally.ran - tally.failed, tally.failed);
  return tally;
}

int gradcheck_main(int argc, char** argv) {
  std::string prefix;
  bool list = false;
  std::uint64_t seed = 0;
  std::string pictures_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--list") {
      list = true;
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
  return print_op_check_table(prefix, seed, pictures_dir).failed == 0 ? 0 : 1;
}

}  // namespace atto
