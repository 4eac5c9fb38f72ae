#include "core/machine_readings.h"

#ifdef __linux__

#include "core/cpu_budget.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace atto::machine {

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<bool> affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) {
    return std::vector<bool>(static_cast<size_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN))), true);
  }
  std::vector<bool> allowed(CPU_SETSIZE);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) allowed[static_cast<size_t>(cpu)] = CPU_ISSET(cpu, &set);
  return allowed;
}

std::optional<double> cgroup_quota() {
  const std::string root = "/sys/fs/cgroup";
  std::string path = cpu_budget::cgroup_v2_path(read_text("/proc/self/cgroup"));
  std::optional<double> tightest;
  for (;;) {
    const auto quota = cpu_budget::parse_cpu_max(read_text(root + (path == "/" ? "" : path) + "/cpu.max"));
    if (quota && (!tightest || *quota < *tightest)) tightest = quota;
    if (path == "/" || path.empty()) break;
    path = path.substr(0, std::max<size_t>(1, path.rfind('/')));
  }
  if (tightest) return tightest;
  for (const char* v1 : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
    const std::string dir = v1;
    if (auto quota = cpu_budget::parse_cfs_quota(read_text(dir + "/cpu.cfs_quota_us"),
                                                 read_text(dir + "/cpu.cfs_period_us"))) {
      return quota;
    }
  }
  return std::nullopt;
}

}  // namespace atto::machine

#endif
