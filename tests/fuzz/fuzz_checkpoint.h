// The checkpoint fuzz target (fuzz_checkpoint.cpp) and its seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size);

// Valid checkpoints of the target's model, without and with optimizer state.
std::vector<std::string> checkpoint_seeds();
