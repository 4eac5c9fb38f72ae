// Switches that change what ops record: grad mode, anomaly mode, and the
// scope a node is recorded in.
#pragma once

#include "core/errors.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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

// Graph scopes: every node recorded while a GraphScope lives remembers it,
// so that a picture of the graph can fold a layer's nodes into one box (a
// layer's call opens one, named by its type and its place in the model,
// "encoder.norm1"; so does each step of a loop worth folding). One
// GraphScope is one instance: two calls of the same layer are two scopes
// of the same name, inside whichever scope was open around them. Per
// thread, like grad mode.
//
// Scopes only serve pictures, so they are recorded only while one is
// wanted: while a ScopeRecording lives anywhere in the program (an enabled
// Explorer holds one from its construction, so make it before the forward
// it will draw). Otherwise, and under NoGradGuard, a GraphScope costs the
// test of one flag, and a picture-only label (a node's name, set with
// name_for_pictures) costs nothing.
struct ScopeInstance {
  std::string name;
  std::string path;  // the module's place in its model ("decoder.attention"), "" when not a module's
  std::uint64_t id;  // unique in the program's run
  std::shared_ptr<const ScopeInstance> parent;
};
[[nodiscard]] const std::shared_ptr<const ScopeInstance>& current_graph_scope();
// Whether graph scopes and picture labels are being recorded.
[[nodiscard]] bool graph_pictures_wanted();

class ScopeRecording {
 public:
  ScopeRecording();
  ~ScopeRecording();
  ScopeRecording(const ScopeRecording&) = delete;
  ScopeRecording& operator=(const ScopeRecording&) = delete;
};

class GraphScope {
 public:
  GraphScope() = default;  // opens nothing
  explicit GraphScope(std::string_view name, std::string_view path = {});
  ~GraphScope();
  GraphScope(const GraphScope&) = delete;
  GraphScope& operator=(const GraphScope&) = delete;

 private:
  std::shared_ptr<const ScopeInstance> previous_;
  bool opened_ = false;
};

}  // namespace atto
