// The command-line flags every tutorial accepts:
//   --quick      a smaller, faster run (what the test suite uses)
//   --threads N  OpenMP threads for the kernels (default: all cores)
//   --seed S     seed of the random generator (default 0)
//   --out DIR    where pictures and files go (default: tutorial_output beside
//                the folder of the executable, e.g. build/tutorial_output, so
//                that running a tutorial never writes into the source tree)
//   --html, --no-html
//                write the run's explorer page (tutorials/common/explorer.h, on autograd/explorer.h)
//                or not; by default written in full mode, not in quick mode
//   --help
// and the switches a tutorial adds of its own (tutorial 09's --interactive
// and --load DIR).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace atto::tutorial {

struct Options {
  bool quick = false;
  int threads = 0;  // 0: leave the OpenMP default
  std::uint64_t seed = 0;
  std::string out_dir;  // created and checked to be writable by parse_options
  bool html = false;    // write the explorer page: --html, or full mode without --no-html

  std::map<std::string, std::string> switches;  // the tutorial's own switches given, with their values

  // out_dir/name.
  std::string output_path(const std::string& name) const;
  bool has(const std::string& flag) const { return switches.count(flag) > 0; }
  // The value given with a switch that takes one ("" when not given).
  std::string value(const std::string& flag) const;
};

// A flag that one tutorial understands, e.g. {"--interactive", "translate
// what you type"}, or with a value: {"--load", "...", "DIR"}.
struct Switch {
  std::string flag, help;
  std::string value_name = "";  // empty: the flag takes no value
};

// Parses argv, applies --threads and --seed, and makes sure the output folder
// exists and takes a file, before any training starts. On --help it prints
// usage and exits 0; on a bad flag, an output folder that cannot be written or
// a bad ATTO_KERNEL it prints what is wrong and the usage, and exits 2.
Options parse_options(int argc, char** argv, const std::string& what_it_teaches,
                      const std::vector<Switch>& tutorial_switches = {});

}  // namespace atto::tutorial
