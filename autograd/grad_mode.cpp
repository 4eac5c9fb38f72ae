#include "autograd/grad_mode.h"

#include <atomic>

namespace atto {

namespace {
thread_local bool grad_mode = true;
thread_local bool anomaly = false;
thread_local std::shared_ptr<const ScopeInstance> scope;
std::atomic<std::uint64_t> scopes_opened{0};
}  // namespace

bool grad_enabled() { return grad_mode; }

NoGradGuard::NoGradGuard() : previous_(grad_mode) { grad_mode = false; }
NoGradGuard::~NoGradGuard() { grad_mode = previous_; }

bool anomaly_mode() { return anomaly; }
void set_anomaly_mode(bool enabled) { anomaly = enabled; }

AnomalyModeGuard::AnomalyModeGuard() : previous_(anomaly) { anomaly = true; }
AnomalyModeGuard::~AnomalyModeGuard() { anomaly = previous_; }

const std::shared_ptr<const ScopeInstance>& current_graph_scope() { return scope; }

GraphScope::GraphScope(std::string name) : previous_(scope), opened_(grad_mode) {
  if (opened_) scope = std::make_shared<const ScopeInstance>(ScopeInstance{std::move(name), ++scopes_opened, previous_});
}
GraphScope::~GraphScope() {
  if (opened_) scope = previous_;
}

}  // namespace atto
