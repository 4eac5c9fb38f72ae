#include "tutorials/common/options.h"

#include "core/errors.h"
#include "core/kernel_dispatch.h"
#include "core/parallel.h"
#include "core/random.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace atto::tutorial {

namespace {

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

std::string usage(const char* program, const std::vector<Switch>& switches) {
  std::string text = fmt::format("usage: {} [--quick] [--threads N] [--seed S] [--out DIR] [--html | --no-html]", program);
  const auto spelled = [](const Switch& s) { return s.value_name.empty() ? s.flag : s.flag + " " + s.value_name; };
  for (const Switch& s : switches) text += fmt::format(" [{}]", spelled(s));
  text += " [--help]\n";
  for (const Switch& s : switches) text += fmt::format("  {}  {}\n", spelled(s), s.help);
  return text;
}

[[noreturn]] void fail(const char* program, const std::vector<Switch>& switches, const std::string& problem) {
  fmt::print(stderr, "{}: {}\n{}", program, problem, usage(program, switches));
  std::exit(2);
}

// build/tutorials/NN_name -> build/tutorial_output.
std::string default_out_dir(const char* program) {
  std::error_code error;
  std::filesystem::path executable = std::filesystem::canonical("/proc/self/exe", error);
  if (error) executable = std::filesystem::absolute(program, error);
  return (executable.parent_path().parent_path() / "tutorial_output").string();
}

// Creates `dir` and writes and removes a file in it; the reason on failure.
std::string unwritable_reason(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return fmt::format("cannot create output folder '{}': {}", dir, error.message());
  const std::filesystem::path probe = std::filesystem::path(dir) / ".attograd_write_test";
  if (!std::ofstream(probe).put('\n').flush()) return fmt::format("cannot write into output folder '{}'", dir);
  std::filesystem::remove(probe, error);
  return "";
}

}  // namespace

Options parse_options(int argc, char** argv, const std::string& what_it_teaches,
                      const std::vector<Switch>& tutorial_switches) {
  Options options;
  const char* program = argv[0];
  std::optional<bool> html;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool takes_value = arg == "--threads" || arg == "--seed" || arg == "--out";
    if (takes_value && i + 1 == argc) fail(program, tutorial_switches, fmt::format("{} needs a value", arg));
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--html" || arg == "--no-html") {
      if (html.has_value() && *html != (arg == "--html")) fail(program, tutorial_switches, "--html and --no-html together");
      html = arg == "--html";
    } else if (arg == "--threads") {
      if (!parse_number(argv[++i], options.threads) || options.threads < 1 || options.threads > 1024) {
        fail(program, tutorial_switches, fmt::format("--threads needs a whole number from 1 to 1024, got '{}'", argv[i]));
      }
    } else if (arg == "--seed") {
      if (!parse_number(argv[++i], options.seed)) {
        fail(program, tutorial_switches, fmt::format("--seed needs a non-negative whole number, got '{}'", argv[i]));
      }
    } else if (arg == "--out") {
      options.out_dir = argv[++i];
      if (options.out_dir.empty()) fail(program, tutorial_switches, "--out needs a folder name");
    } else if (arg == "--help" || arg == "-h") {
      fmt::print("{}\n\n{}", what_it_teaches, usage(program, tutorial_switches));
      std::exit(0);
    } else if (const auto own = std::find_if(tutorial_switches.begin(), tutorial_switches.end(),
                                             [&](const Switch& s) { return s.flag == arg; });
               own != tutorial_switches.end()) {
      if (own->value_name.empty()) {
        options.switches[std::string(arg)] = "";
      } else if (i + 1 == argc || std::string_view(argv[i + 1]).empty()) {
        fail(program, tutorial_switches, fmt::format("{} needs a value ({})", arg, own->value_name));
      } else {
        options.switches[std::string(arg)] = argv[++i];
      }
    } else {
      fail(program, tutorial_switches, fmt::format("unknown flag '{}'", arg));
    }
  }
  options.html = html.value_or(!options.quick);
  if (options.out_dir.empty()) options.out_dir = default_out_dir(program);
  if (const std::string reason = unwritable_reason(options.out_dir); !reason.empty()) {
    fail(program, tutorial_switches, reason);
  }
  if (options.threads > 0) set_num_threads(options.threads);
  try {
    active_kernel();  // a bad ATTO_KERNEL is reported here, not in the middle of training
  } catch (const ArgumentError& e) {
    fail(program, tutorial_switches, e.what());
  }
  manual_seed(options.seed);
  return options;
}

std::string Options::value(const std::string& flag) const {
  const auto found = switches.find(flag);
  return found == switches.end() ? "" : found->second;
}

std::string Options::output_path(const std::string& name) const {
  return (std::filesystem::path(out_dir) / name).string();
}

}  // namespace atto::tutorial
