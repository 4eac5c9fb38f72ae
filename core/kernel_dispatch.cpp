#include "core/kernel_dispatch.h"

#include "core/errors.h"
#include "core/gemm_kernel.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <string>

namespace atto {

namespace {

struct Candidate {
  const detail::GemmKernel& (*kernel)();
  bool (*supported)();
};

bool always() { return true; }

#if defined(__x86_64__)
// __builtin_cpu_supports also asks the operating system (XGETBV) whether it
// saves the wide registers, so a true answer means the instructions can run.
bool has_avx512() { return __builtin_cpu_supports("avx512f"); }
bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
constexpr std::array kCandidates{Candidate{detail::gemm_kernel_avx512, has_avx512},
                                 Candidate{detail::gemm_kernel_avx2, has_avx2},
                                 Candidate{detail::gemm_kernel_generic, always}};
#elif defined(__aarch64__)
constexpr std::array kCandidates{Candidate{detail::gemm_kernel_neon, always}};
#else
constexpr std::array kCandidates{Candidate{detail::gemm_kernel_generic, always}};
#endif

std::string listed(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

const detail::GemmKernel& find_supported(std::string_view name, std::string_view asked_by) {
  for (const Candidate& c : kCandidates) {
    if (c.kernel().name != name) continue;
    if (!c.supported()) {
      throw_argument_error(asked_by, "this CPU cannot run the {} kernel; it supports: {}", name,
                           listed(supported_kernels()));
    }
    return c.kernel();
  }
  throw_argument_error(asked_by, "no kernel named '{}'; this build holds: {}", name, listed(built_kernels()));
}

const detail::GemmKernel& initial_kernel() {
  if (const char* forced = std::getenv("ATTO_KERNEL"); forced != nullptr && *forced != '\0') {
    return find_supported(forced, "ATTO_KERNEL");
  }
  for (const Candidate& c : kCandidates) {
    if (c.supported()) return c.kernel();
  }
  return kCandidates.back().kernel();
}

std::atomic<const detail::GemmKernel*> chosen{nullptr};

}  // namespace

namespace detail {

const GemmKernel& active_gemm_kernel() {
  const GemmKernel* kernel = chosen.load(std::memory_order_acquire);
  if (kernel == nullptr) {
    // Concurrent first calls may both look; they find the same kernel.
    kernel = &initial_kernel();
    chosen.store(kernel, std::memory_order_release);
  }
  return *kernel;
}

}  // namespace detail

std::string_view active_kernel() { return detail::active_gemm_kernel().name; }

std::vector<std::string_view> supported_kernels() {
  std::vector<std::string_view> names;
  for (const Candidate& c : kCandidates) {
    if (c.supported()) names.emplace_back(c.kernel().name);
  }
  return names;
}

std::vector<std::string_view> built_kernels() {
  std::vector<std::string_view> names;
  for (const Candidate& c : kCandidates) names.emplace_back(c.kernel().name);
  return names;
}

void use_kernel(std::string_view name) { chosen.store(&find_supported(name, "use_kernel"), std::memory_order_release); }

}  // namespace atto
