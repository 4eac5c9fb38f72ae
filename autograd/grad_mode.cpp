#include "autograd/grad_mode.h"

#include <atomic>

namespace atto {

namespace {
thread_local bool grad_mode = true;
thread_local bool anomaly = false;
thread_local std::shared_ptr<const ScopeInstance> scope;
std::atomic<std::uint64_t> scopes_opened{0};
std::atomic<int> scope_recordings{0};  // ScopeRecordings alive, on any thread
}  // namespace

bool grad_enabled() { return grad_mode; }

NoGradGuard::NoGradGuard() : previous_(grad_mode) { grad_mode = false; }
NoGradGuard::~NoGradGuard() { grad_mode = previous_; }

bool anomaly_mode() { return anomaly; }
void set_anomaly_mode(bool enabled) { anomaly = enabled; }

AnomalyModeGuard::AnomalyModeGuard() : previous_(anomaly) { anomaly = true; }
AnomalyModeGuard::~AnomalyModeGuard() { anomaly = previous_; }

const std::shared_ptr<const ScopeInstance>& current_graph_scope() { return scope; }

bool graph_pictures_wanted() { return scope_recordings.load(std::memory_order_relaxed) > 0; }

ScopeRecording::ScopeRecording() { ++scope_recordings; }
ScopeRecording::~ScopeRecording() { --scope_recordings; }

GraphScope::GraphScope(std::string_view name, std::string_view path)
    : opened_(grad_mode && graph_pictures_wanted()) {
  if (!opened_) return;
  previous_ = scope;
  scope = std::make_shared<const ScopeInstance>(
      ScopeInstance{std::string(name), std::string(path), ++scopes_opened, previous_});
}
GraphScope::~GraphScope() {
  if (opened_) scope = previous_;
}

}  // namespace atto
