// The cores region_threads() may use, decided from readings written here:
// cgroup quotas (v2 and v1), affinity masks, /proc/stat, sample windows.
#include <doctest/doctest.h>

#include "core/cpu_budget.h"
#include "core/parallel.h"

#include <algorithm>
#include <thread>

using namespace atto;
using namespace atto::cpu_budget;

TEST_CASE("cpu budget: cgroup v2's cpu.max, v1's cfs quota, and the cgroup's path") {
  CHECK(parse_cpu_max("50000 100000\n") == 0.5);
  CHECK(parse_cpu_max("150000 100000") == 1.5);
  CHECK_FALSE(parse_cpu_max("max 100000\n"));
  for (const char* bad : {"", "50000", "-1 100000", "50000 0", "fifty 100000", "50000 100000 7"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_cpu_max(bad));
  }
  CHECK(parse_cfs_quota("200000\n", "100000\n") == 2.0);
  CHECK_FALSE(parse_cfs_quota("-1\n", "100000\n"));
  CHECK_FALSE(parse_cfs_quota("", ""));  // no v1 cpu controller
  CHECK(cgroup_v2_path("12:cpu,cpuacct:/docker/abc\n0::/user.slice/build.scope\n") == "/user.slice/build.scope");
  CHECK(cgroup_v2_path("4:memory:/x\n1:cpu:/\n") == "/");
  CHECK(cgroup_v2_path("") == "/");
}

TEST_CASE("cpu budget: threads never exceed the affinity mask's CPUs nor the quota rounded up") {
  CHECK(thread_cap(8, std::nullopt) == 8);
  CHECK(thread_cap(8, 0.5) == 1);
  CHECK(thread_cap(8, 1.5) == 2);
  CHECK(thread_cap(2, 16.0) == 2);
  CHECK(thread_cap(0, std::nullopt) == 1);
}

TEST_CASE("cpu budget: busy time counts only the CPUs the process may run on") {
  // user nice system idle iowait irq softirq steal: busy = user+nice+system+irq+softirq.
  const char* stat =
      "cpu  100 0 100 900 0 0 0 50 0 0\n"
      "cpu0 10 1 2 100 7 3 4 50 0 0\n"
      "cpu1 20 0 0 100 0 0 0 0 0 0\n"
      "cpu2 300 0 0 0 0 0 0 0 0 0\n"
      "intr 5 0 0\n"
      "ctxt 99\n";
  CHECK(busy_ticks(stat, {true, true, true}) == 10 + 1 + 2 + 3 + 4 + 20 + 300);
  CHECK(busy_ticks(stat, {true, false, false}) == 20);  // steal (50) and iowait (7) are not busy
  CHECK(busy_ticks(stat, {false, true}) == 20);         // cpu2 lies past the mask: not allowed
  CHECK_FALSE(busy_ticks(stat, {false, false, false, true}));
  CHECK_FALSE(busy_ticks("", {true}));
  CHECK_FALSE(busy_ticks("cpu0 1 2\n", {true}));  // cut short
}

TEST_CASE("cpu budget: idle cores and the sample window") {
  CHECK(idle_cores(4, 0.0) == 4);
  CHECK(idle_cores(4, 1.4) == 3);
  CHECK(idle_cores(4, 1.6) == 2);
  CHECK(idle_cores(2, 5.0) == 1);
  CHECK(idle_cores(2, -0.5) == 2);  // own time read after the machine's: a small negative count
  CHECK_FALSE(window_usable(0.05));
  CHECK(window_usable(0.25));
  CHECK_FALSE(window_usable(30.0));
}

TEST_CASE("cpu budget: region_threads() stays within what this machine allows") {
  const int saved = num_threads();
  set_num_threads(kMaxThreads);
  const int threads = region_threads();
  CHECK(threads >= 1);
  CHECK(threads <= static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
  set_num_threads(saved);
}
