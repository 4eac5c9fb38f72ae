// Switches that change what ops record: grad mode, anomaly mode, and the
// scope a node is recorded in.
#pragma once

#include "core/errors.h"

#include <cstdint>
#include <memory>
#include <string>

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
//
// Per thread, like grad mode (PyTorch's switch is process-wide): one thread
// debugging its model does not slow or stop another thread's training. It
// still covers every thread the library starts: the checks run on the
// calling thread once a kernel's OpenMP workers have finished, and the
// workers run no ops of their own. Another std::thread needs its own guard.
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

// Graph scopes: every node recorded while a GraphScope lives remembers it,
// so that a picture of the graph can fold a layer's nodes into one box (a
// layer's call opens one; so does each step of a loop worth folding). One
// GraphScope is one instance: two calls of the same layer are two scopes
// of the same name, inside whichever scope was open around them. Per
// thread, like grad mode; under NoGradGuard nothing is recorded, and a
// GraphScope costs nothing.
struct ScopeInstance {
  std::string name;
  std::uint64_t id;  // unique in the program's run
  std::shared_ptr<const ScopeInstance> parent;
};
[[nodiscard]] const std::shared_ptr<const ScopeInstance>& current_graph_scope();

class GraphScope {
 public:
  explicit GraphScope(std::string name);
  ~GraphScope();
  GraphScope(const GraphScope&) = delete;
  GraphScope& operator=(const GraphScope&) = delete;

 private:
  std::shared_ptr<const ScopeInstance> previous_;
  bool opened_;
};

}  // namespace atto
