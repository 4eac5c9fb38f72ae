// Which kernels run: the matrix product's micro-kernel and the float exp,
// tanh and sigmoid over arrays (core/cpu_kernels.h), compiled once per
// instruction set and chosen at run time from what the CPU reports, so that
// one build is fast on every machine it may be copied to.
//
// Kernels, fastest first: avx512, avx2 and generic (SSE2) on x86-64; neon on
// ARM64; generic elsewhere. The widest one the CPU supports is used unless
// the environment variable ATTO_KERNEL names another (e.g. ATTO_KERNEL=generic
// to test a lower path on a machine that has a higher one), or use_kernel
// is called. Results are bitwise identical for any thread count on one
// kernel; two kernels may differ in the last bits (they sum in the same
// order, but fused multiply-adds round once where SSE2 rounds twice).
#pragma once

#include <string_view>
#include <vector>

namespace atto {

// The name of the kernel in use.
std::string_view active_kernel();

// The kernels this CPU can run, fastest first.
[[nodiscard]] std::vector<std::string_view> supported_kernels();

// Every kernel this build holds, including those this CPU cannot run.
[[nodiscard]] std::vector<std::string_view> built_kernels();

// Uses the named kernel from now on, in every thread (for products and
// activations that start after the call). Throws ArgumentError
// for a name this build does not hold or this CPU cannot run.
void use_kernel(std::string_view name);

}  // namespace atto
