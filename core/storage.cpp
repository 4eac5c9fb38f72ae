#include "core/storage.h"

#include "core/storage_cache.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <new>
#include <vector>

namespace atto {

namespace {

struct CachedBlock {
  std::size_t bytes;
  void* data;
};

// Tensors may be freed on any thread, so the cache takes a lock; it is only
// touched for blocks of tens of megabytes, where the lock costs nothing.
struct StorageCache {
  std::mutex mutex;
  std::vector<CachedBlock> blocks;
  std::size_t bytes = 0;
};

StorageCache& cache() {
  static StorageCache* instance = new StorageCache;  // never destroyed: tensors may outlive static destruction
  return *instance;
}

void* take_cached(std::size_t bytes) {
  StorageCache& c = cache();
  const std::lock_guard lock(c.mutex);
  // The newest block of that size: the one most likely still in the CPU's caches.
  const auto found = std::ranges::find_if(c.blocks.rbegin(), c.blocks.rend(),
                                          [&](const CachedBlock& b) { return b.bytes == bytes; });
  if (found == c.blocks.rend()) return nullptr;
  void* data = found->data;
  c.bytes -= bytes;
  c.blocks.erase(std::next(found).base());
  return data;
}

// Caches the block, first evicting the oldest ones if it would not fit.
void give_back(void* data, std::size_t bytes) {
  if (bytes > kStorageCacheBytes) return ::operator delete(data);
  std::vector<CachedBlock> evicted;
  {
    StorageCache& c = cache();
    const std::lock_guard lock(c.mutex);
    std::size_t oldest = 0;
    while (c.blocks.size() - oldest >= kStorageCacheBlocks || c.bytes + bytes > kStorageCacheBytes) {
      c.bytes -= c.blocks[oldest].bytes;
      evicted.push_back(c.blocks[oldest++]);
    }
    c.blocks.erase(c.blocks.begin(), c.blocks.begin() + static_cast<std::ptrdiff_t>(oldest));
    c.blocks.push_back({bytes, data});
    c.bytes += bytes;
  }
  for (const CachedBlock& block : evicted) ::operator delete(block.data);
}

}  // namespace

std::shared_ptr<Real[]> allocate_storage(Index n) {
  const std::size_t bytes = static_cast<std::size_t>(n) * sizeof(Real);
  if (bytes < kStorageCacheMinBytes) return std::make_shared_for_overwrite<Real[]>(static_cast<std::size_t>(n));
  void* data = take_cached(bytes);
  // nothrow: under AddressSanitizer a throwing new that fails aborts the
  // program, while this way (with allocator_may_return_null=1) it still
  // reaches the caller as bad_alloc, as it does without the sanitizer.
  if (!data) data = ::operator new(bytes, std::nothrow);
  if (!data) throw std::bad_alloc();
  return std::shared_ptr<Real[]>(static_cast<Real*>(data), [bytes](Real* p) { give_back(p, bytes); });
}

std::size_t release_cached_storage() {
  std::vector<CachedBlock> released;
  {
    StorageCache& c = cache();
    const std::lock_guard lock(c.mutex);
    released.swap(c.blocks);
    c.bytes = 0;
  }
  std::size_t bytes = 0;
  for (const CachedBlock& block : released) {
    ::operator delete(block.data);
    bytes += block.bytes;
  }
  return bytes;
}

}  // namespace atto
