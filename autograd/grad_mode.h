// Switches that change what ops record: grad mode and anomaly mode.
#pragma once

#include "core/errors.h"

namespace atto {

// Whether ops build graph nodes (on by default, per thread).
[[nodiscard]] bool grad_enabled();

// Inside a NoGradGuard, ops compute values only and record no graph:
// evaluation, optimizer updates, and finite differences use it.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Anomaly mode: every op checks the value it computes, and backward checks
// every gradient it computes; the first NaN or Inf throws AnomalyError naming
// the op and the nodes its inputs came from. Off by default: it costs a pass
// over every tensor.
struct AnomalyError : Error {
  using Error::Error;
};
[[nodiscard]] bool anomaly_mode();
void set_anomaly_mode(bool enabled);

class AnomalyModeGuard {
 public:
  AnomalyModeGuard();
  ~AnomalyModeGuard();
  AnomalyModeGuard(const AnomalyModeGuard&) = delete;
  AnomalyModeGuard& operator=(const AnomalyModeGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace atto
