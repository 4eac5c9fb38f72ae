#include "core/cpu_budget.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace atto::cpu_budget {

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The whole of `text` as a number, or nullopt.
template <class Number>
std::optional<Number> number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ratio(std::optional<long long> quota, std::optional<long long> period) {
  if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
  return static_cast<double>(*quota) / static_cast<double>(*period);
}

}  // namespace

std::optional<double> parse_cpu_max(std::string_view cpu_max) {
  const std::string_view text = trim(cpu_max);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view quota = text.substr(0, space);
  if (quota == "max") return std::nullopt;
  return ratio(number<long long>(quota), number<long long>(trim(text.substr(space + 1))));
}

std::optional<double> parse_cfs_quota(std::string_view quota_us, std::string_view period_us) {
  return ratio(number<long long>(trim(quota_us)), number<long long>(trim(period_us)));
}

std::string cgroup_v2_path(std::string_view proc_self_cgroup) {
  while (!proc_self_cgroup.empty()) {
    const auto end = proc_self_cgroup.find('\n');
    const std::string_view line = proc_self_cgroup.substr(0, end);
    if (line.starts_with("0::")) return std::string(trim(line.substr(3)));
    if (end == std::string_view::npos) break;
    proc_self_cgroup.remove_prefix(end + 1);
  }
  return "/";
}

int thread_cap(int allowed_cpus, std::optional<double> quota_cpus) {
  int cap = std::max(1, allowed_cpus);
  if (quota_cpus) cap = std::min(cap, static_cast<int>(std::min(std::ceil(*quota_cpus), 1e6)));
  return std::max(1, cap);
}

std::optional<unsigned long long> busy_ticks(std::string_view proc_stat, const std::vector<bool>& allowed) {
  std::optional<unsigned long long> total;
  while (!proc_stat.empty()) {
    const auto end = proc_stat.find('\n');
    std::string_view line = proc_stat.substr(0, end);
    proc_stat.remove_prefix(end == std::string_view::npos ? proc_stat.size() : end + 1);
    // "cpu3 user nice system idle iowait irq softirq steal ...": the per-CPU lines only.
    if (!line.starts_with("cpu") || line.size() < 4 || line[3] < '0' || line[3] > '9') continue;
    line.remove_prefix(3);
    const auto space = line.find(' ');
    const auto cpu = number<std::size_t>(line.substr(0, space));
    if (!cpu || *cpu >= allowed.size() || !allowed[*cpu] || space == std::string_view::npos) continue;
    line.remove_prefix(space);
    unsigned long long fields[7] = {};
    int read = 0;
    for (; read < 7; ++read) {
      line = trim(line);
      const auto field_end = std::min(line.find(' '), line.size());
      const auto value = number<unsigned long long>(line.substr(0, field_end));
      if (!value) break;
      fields[read] = *value;
      line.remove_prefix(field_end);
    }
    if (read < 7) continue;  // a line cut short says nothing
    // user + nice + system + irq + softirq; idle (3) and iowait (4) are not busy.
    total = total.value_or(0) + fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
  }
  return total;
}

int idle_cores(int cpus, double others_busy) {
  return std::max(1, static_cast<int>(std::lround(static_cast<double>(cpus) - std::max(0.0, others_busy))));
}

}  // namespace atto::cpu_budget
