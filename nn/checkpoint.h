// Checkpoints: every named parameter of a model, and optionally an
// optimizer's state, in one small binary file.
//
// Format (version 1, little-endian):
//   "ATTOCKPT"  u32 version  u8 bytes-per-element (4 or 8)  u32 entry count
//   per entry:  u32 name length, name, u32 rank, i64 dims[rank], elements
//   u64 FNV-1a checksum of everything before it
// Entries are "param/<dotted name>" and, with an optimizer, "optim/<state>"
// and "optim/steps". Elements are converted when a float build reads a file
// written by a double build, or the other way round.
//
// Saving writes a temporary file and renames it over the target, so a crash
// mid-save never leaves a half-written checkpoint. Loading reads and checks
// everything (magic, version, checksum, names, shapes) before touching the
// model: a bad file throws CheckpointError and changes nothing.
#pragma once

#include "core/errors.h"
#include "nn/module.h"
#include "nn/optim.h"

#include <string>

namespace atto {

struct CheckpointError : Error {
  using Error::Error;
};

inline constexpr std::uint32_t kCheckpointVersion = 1;

void save_checkpoint(const std::string& path, const Module& model, Optimizer* optimizer = nullptr);
void load_checkpoint(const std::string& path, Module& model, Optimizer* optimizer = nullptr);

}  // namespace atto
