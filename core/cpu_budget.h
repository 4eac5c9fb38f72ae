// How many cores this process may use, and how many of those other
// programs leave idle: the pure half of region_threads() (core/parallel.h).
//
// Each function takes the text of a kernel file, or numbers read from one,
// as an argument and reads nothing itself, so that every case (a cgroup
// quota, an affinity mask, a busy machine) is tested with a reading written
// by hand; core/parallel.cpp reads the files (Linux only) and passes them on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atto::cpu_budget {

// cgroup v2's cpu.max, "quota period" ("50000 100000": 0.5 CPUs) or
// "max period" (no limit): the CPUs the quota grants, or nullopt for no
// limit and for text that is neither.
[[nodiscard]] std::optional<double> parse_cpu_max(std::string_view cpu_max);

// cgroup v1's cpu.cfs_quota_us and cpu.cfs_period_us: quota / period CPUs,
// or nullopt when the quota is -1 (no limit) or the text is not a number.
[[nodiscard]] std::optional<double> parse_cfs_quota(std::string_view quota_us, std::string_view period_us);

// The cgroup v2 path of this process from /proc/self/cgroup's "0::/path"
// line ("/" when there is none), where its cpu.max lies below
// /sys/fs/cgroup.
[[nodiscard]] std::string cgroup_v2_path(std::string_view proc_self_cgroup);

// The most threads worth starting: the CPUs the affinity mask allows,
// capped by the quota rounded up (1.5 CPUs of quota keep 2 threads busy),
// and at least 1.
[[nodiscard]] int thread_cap(int allowed_cpus, std::optional<double> quota_cpus);

// Busy ticks (user, nice, system, irq, softirq: not idle, iowait or a
// hypervisor's steal) of the CPUs `allowed` marks, summed from /proc/stat's
// per-CPU lines ("cpu3 ..."); a CPU past the end of `allowed` is not
// allowed. nullopt when no allowed CPU has a line.
[[nodiscard]] std::optional<unsigned long long> busy_ticks(std::string_view proc_stat,
                                                          const std::vector<bool>& allowed);

// The cores other programs leave idle out of `cpus`, when they kept
// `others_busy` cores busy on average: rounded, at least 1.
[[nodiscard]] int idle_cores(int cpus, double others_busy);

// Two samples of busy time more than this apart are not compared: an
// average over a long quiet spell says little about now. The later one
// becomes the new baseline and the last estimate stands meanwhile.
inline constexpr double kMaxWindowSeconds = 1.0;
// Nor are two samples less than this apart: too few ticks to tell.
inline constexpr double kMinWindowSeconds = 0.1;
[[nodiscard]] inline bool window_usable(double seconds) {
  return seconds >= kMinWindowSeconds && seconds <= kMaxWindowSeconds;
}

}  // namespace atto::cpu_budget
