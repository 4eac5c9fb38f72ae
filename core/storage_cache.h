// The bounds of the storage cache (core/storage.h says why it exists). Not
// installed: they are the library's tuning, not its interface; the tests read
// them to check the bounds hold.
#pragma once

#include <cstddef>

namespace atto {

// Blocks of at least this many bytes are cached when freed; at most
// kStorageCacheBlocks of them, kStorageCacheBytes in all, wait at a time.
inline constexpr std::size_t kStorageCacheMinBytes = std::size_t{64} << 10;
inline constexpr std::size_t kStorageCacheBlocks = 64;
inline constexpr std::size_t kStorageCacheBytes = std::size_t{512} << 20;

}  // namespace atto
