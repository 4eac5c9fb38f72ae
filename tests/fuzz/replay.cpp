// Runs the checkpoint fuzz target without libFuzzer, so that every build
// (and the sanitizer build) exercises it: over valid checkpoints, every
// truncation of them, every byte set to 0x00, 0xff and +1, and a fixed
// series of random multi-byte mutations. A bug aborts the program.
//
//   replay [MUTATIONS]          default 4000
//   replay --write-seeds DIR    the seeds as files, a starting corpus for libFuzzer
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string_view>

#include "fuzz_checkpoint.h"

namespace {

void run(const std::string& bytes) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::string mutate(std::string bytes, std::mt19937_64& random) {
  const int edits = 1 + static_cast<int>(random() % 8);
  for (int e = 0; e < edits && !bytes.empty(); ++e) {
    const size_t at = random() % bytes.size();
    switch (random() % 4) {
      case 0:
        bytes[at] = static_cast<char>(random());
        break;
      case 1:
        bytes.erase(at, 1 + random() % 16);
        break;
      case 2:
        bytes.insert(at, 1 + random() % 16, static_cast<char>(random()));
        break;
      default:
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << (random() % 8)));
        break;
    }
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> seeds = checkpoint_seeds();
  if (argc == 3 && std::string_view(argv[1]) == "--write-seeds") {
    for (size_t i = 0; i < seeds.size(); ++i) {
      std::ofstream(fmt::format("{}/seed-{}.ckpt", argv[2], i), std::ios::binary) << seeds[i];
    }
    return 0;
  }
  const long mutations = argc == 2 ? std::strtol(argv[1], nullptr, 10) : 4000;
  long inputs = 0;
  std::mt19937_64 random(20261124);
  for (const std::string& seed : seeds) {
    run(seed);
    for (size_t size = 0; size < seed.size(); ++size, ++inputs) run(seed.substr(0, size));
    for (size_t at = 0; at < seed.size(); ++at) {
      for (const char value : {'\x00', '\xff', static_cast<char>(seed[at] + 1)}) {
        std::string changed = seed;
        changed[at] = value;
        run(changed);
        ++inputs;
      }
    }
    for (long m = 0; m < mutations; ++m, ++inputs) run(mutate(seed, random));
  }
  fmt::print(
      "checkpoint loader: {} inputs from {} seeds, each as it is and with its checksum fixed: no crash, "
      "every refusal left the model untouched\n",
      inputs, seeds.size());
  return 0;
}
