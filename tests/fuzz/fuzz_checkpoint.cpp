// The checkpoint loader against arbitrary bytes: a libFuzzer target.
//
// Each input is tried twice: as it is, and with its last 8 bytes replaced by
// the checksum of the rest, so that mutations get past the checksum and reach
// the parser. A bad file must throw CheckpointError and leave the model and
// the optimizer exactly as they were; anything else (another exception, a
// crash, a sanitizer report, a hang) is a bug.
//
// Built by `make fuzz` with clang (-fsanitize=fuzzer,address,undefined); with
// any compiler, replay.cpp runs it over the seed corpus and mutations of it
// as part of `make test`.
#include "fuzz_checkpoint.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nn/nn.h"

namespace {

using namespace atto;

// FNV-1a, as the format specifies (nn/checkpoint.h).
std::uint64_t checksum(const char* data, size_t size) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ static_cast<unsigned char>(data[i])) * 0x100000001b3ULL;
  return hash;
}

// A small model and its optimizer, which every input is loaded into.
struct Target {
  Sequential model;
  Adam optimizer;
  std::string path;
  Target()
      : optimizer(build(model), {}),
        path((std::filesystem::temp_directory_path() / ("attograd-fuzz-" + std::to_string(getpid()) + ".ckpt"))
                 .string()) {}
  ~Target() { std::filesystem::remove(path); }
  static std::vector<Var> build(Sequential& model) {
    Generator gen(7);
    model.add<Dense>(3, DenseOptions{.units = 2, .activation = Activation::tanh}, gen);
    model.add<Dense>(2, DenseOptions{.units = 1, .use_bias = false}, gen);
    return model.parameters();
  }
  std::vector<Tensor> snapshot() {
    std::vector<Tensor> out;
    for (const Var& p : model.parameters()) out.push_back(p.value().clone());
    for (auto& [name, tensor] : optimizer.state()) out.push_back(tensor->clone());
    out.push_back(scalar(static_cast<Real>(optimizer.steps())));
    return out;
  }
};

bool same_bits(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].numel() > 0 && std::memcmp(a[i].data(), b[i].data(), sizeof(Real) * a[i].numel()) != 0) return false;
  }
  return true;
}

void try_load(Target& target, const std::string& bytes) {
  std::ofstream(target.path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  for (Optimizer* optimizer : {static_cast<Optimizer*>(nullptr), static_cast<Optimizer*>(&target.optimizer)}) {
    const std::vector<Tensor> before = target.snapshot();
    try {
      load_checkpoint(target.path, target.model, optimizer);
    } catch (const CheckpointError&) {
      if (!same_bits(before, target.snapshot())) __builtin_trap();  // a refused file changed the model
    }
  }
}

Target& the_target() {
  static Target target;
  return target;
}

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<std::string> checkpoint_seeds() {
  Target& target = the_target();
  std::vector<std::string> seeds;
  for (Optimizer* optimizer : {static_cast<Optimizer*>(nullptr), static_cast<Optimizer*>(&target.optimizer)}) {
    save_checkpoint(target.path, target.model, optimizer);
    seeds.push_back(read_bytes(target.path));
  }
  return seeds;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  Target& target = the_target();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try_load(target, bytes);
  if (bytes.size() >= sizeof(std::uint64_t)) {
    const std::uint64_t sum = checksum(bytes.data(), bytes.size() - sizeof(sum));
    std::memcpy(bytes.data() + bytes.size() - sizeof(sum), &sum, sizeof(sum));
    try_load(target, bytes);
  }
  return 0;
}
