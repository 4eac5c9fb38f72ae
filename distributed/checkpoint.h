// Checkpoints of a data-parallel run. Every rank holds the same parameters
// and optimizer state, so rank 0 alone writes them, with nn/checkpoint.h's
// save_checkpoint (a temporary file renamed over the target: a rank killed
// at any moment leaves the previous checkpoint or the new one, whole). The
// optimizer's step count is the position in the data (ShardedSampler draws
// batches from the step number), so a run resumes on any number of ranks.
#pragma once

#include "distributed/world.h"
#include "nn/checkpoint.h"

#include <string>

namespace atto::distributed {

// Rank 0 saves; every rank returns once the file is in place, and throws
// CheckpointError on every rank when rank 0 could not save it.
void save_checkpoint_from_root(const World& world, const std::string& path, const Module& model,
                               Optimizer* optimizer = nullptr);

// Rank 0 reads the file (load_checkpoint, which checks it whole before
// changing anything) and sends parameters, optimizer state and step count
// to the others, so the file need only be on rank 0's machine. A bad file
// throws CheckpointError on every rank.
void load_checkpoint_from_root(const World& world, const std::string& path, Module& model,
                               Optimizer* optimizer = nullptr);

}  // namespace atto::distributed
