// Where tensor elements live. Small blocks come straight from the heap.
//
// Larger blocks are another matter. glibc serves allocations above a
// threshold (128 KiB, raised as blocks are freed, up to 32 MiB) with fresh
// pages from mmap, and hands the top of its heap back to the system when
// enough of it is free; either way the first write to each 4 KiB page of a
// new tensor then faults into the kernel. A training loop asks for the same
// sizes step after step, and an op on 32M floats would spend more time in
// those faults than in its arithmetic. So a freed block of 64 KiB or more
// waits in a small cache, and the next request of the same size takes it
// back with its pages already mapped. The cache is bounded: when it is full
// the oldest blocks go back to the system first.
#pragma once

#include "core/real.h"

#include <memory>

namespace atto {

// Uninitialised storage for n elements.
std::shared_ptr<Real[]> allocate_storage(Index n);

// Gives the cached blocks back to the system (a benchmark measuring peak
// memory calls it first); returns how many bytes were released.
std::size_t release_cached_storage();

}  // namespace atto
