// What Linux says about the CPUs this process may use, read from the kernel
// (sched_getaffinity, /proc, cgroup files) for region_threads()
// (core/parallel.cpp); core/cpu_budget.h turns the text into numbers.
// Linux only: elsewhere parallel.cpp does without them.
#pragma once

#ifdef __linux__

#include <optional>
#include <string>
#include <vector>

namespace atto::machine {

// A kernel file's text; "" when it cannot be read.
[[nodiscard]] std::string read_text(const std::string& path);

// The CPUs this process may run on, by number (sched_getaffinity); every
// online CPU when the mask cannot be read.
[[nodiscard]] std::vector<bool> affinity();

// The tightest CPU quota of this process's cgroup and its ancestors (v2's
// cpu.max), else of the v1 cpu controller's mount (what a container sees as
// its own), in CPUs; nullopt for none.
[[nodiscard]] std::optional<double> cgroup_quota();

}  // namespace atto::machine

#endif
