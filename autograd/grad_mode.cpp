#include "autograd/grad_mode.h"

namespace atto {

namespace {
thread_local bool grad_mode = true;
thread_local bool anomaly = false;
}  // namespace

bool grad_enabled() { return grad_mode; }

NoGradGuard::NoGradGuard() : previous_(grad_mode) { grad_mode = false; }
NoGradGuard::~NoGradGuard() { grad_mode = previous_; }

bool anomaly_mode() { return anomaly; }
void set_anomaly_mode(bool enabled) { anomaly = enabled; }

AnomalyModeGuard::AnomalyModeGuard() : previous_(anomaly) { anomaly = true; }
AnomalyModeGuard::~AnomalyModeGuard() { anomaly = previous_; }

}  // namespace atto
