#include "core/kernel_dispatch.h"

#include "core/errors.h"
#include "core/cpu_kernels.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <string>

namespace atto {

namespace {

struct Candidate {
  const detail::GemmKernel& (*gemm)();
  const detail::VectorMathKernel& (*vector_math)();
  bool (*supported)();
};

bool always() { return true; }

#if defined(__x86_64__)
// __builtin_cpu_supports also asks the operating system (XGETBV) whether it
// saves the wide registers, so a true answer means the instructions can run.
bool has_avx512() { return __builtin_cpu_supports("avx512f"); }
bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
constexpr std::array kCandidates{Candidate{detail::gemm_kernel_avx512, detail::vector_math_avx512, has_avx512},
                                 Candidate{detail::gemm_kernel_avx2, detail::vector_math_avx2, has_avx2},
                                 Candidate{detail::gemm_kernel_generic, detail::vector_math_generic, always}};
#elif defined(__aarch64__)
constexpr std::array kCandidates{Candidate{detail::gemm_kernel_neon, detail::vector_math_neon, always}};
#else
constexpr std::array kCandidates{Candidate{detail::gemm_kernel_generic, detail::vector_math_generic, always}};
#endif

std::string listed(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

const Candidate& find_supported(std::string_view name, std::string_view asked_by) {
  for (const Candidate& c : kCandidates) {
    if (c.gemm().name != name) continue;
    if (!c.supported()) {
      throw_argument_error(asked_by, "this CPU cannot run the {} kernel; it supports: {}", name,
                           listed(supported_kernels()));
    }
    return c;
  }
  throw_argument_error(asked_by, "no kernel named '{}'; this build holds: {}", name, listed(built_kernels()));
}

const Candidate& initial_choice() {
  if (const char* forced = std::getenv("ATTO_KERNEL"); forced != nullptr && *forced != '\0') {
    return find_supported(forced, "ATTO_KERNEL");
  }
  for (const Candidate& c : kCandidates) {
    if (c.supported()) return c;
  }
  return kCandidates.back();
}

std::atomic<const Candidate*> chosen{nullptr};

const Candidate& active() {
  const Candidate* choice = chosen.load(std::memory_order_acquire);
  if (choice == nullptr) {
    // Concurrent first calls may both look; they find the same kernel.
    choice = &initial_choice();
    chosen.store(choice, std::memory_order_release);
  }
  return *choice;
}

}  // namespace

namespace detail {

const GemmKernel& active_gemm_kernel() { return active().gemm(); }
const VectorMathKernel& active_vector_math() { return active().vector_math(); }

}  // namespace detail

std::string_view active_kernel() { return active().gemm().name; }

std::vector<std::string_view> supported_kernels() {
  std::vector<std::string_view> names;
  for (const Candidate& c : kCandidates) {
    if (c.supported()) names.emplace_back(c.gemm().name);
  }
  return names;
}

std::vector<std::string_view> built_kernels() {
  std::vector<std::string_view> names;
  for (const Candidate& c : kCandidates) names.emplace_back(c.gemm().name);
  return names;
}

void use_kernel(std::string_view name) { chosen.store(&find_supported(name, "use_kernel"), std::memory_order_release); }

}  // namespace atto
