// SPDX-License-Identifier: MIT
// Grad mode: a thread-local switch that says whether ops record the tape. NoGradGuard turns it
// off for a scope (inference, optimiser updates), as torch.no_grad() does.
#pragma once

namespace kaon {
namespace autograd {

struct GradMode {
  static bool& enabled_flag() {
    thread_local bool enabled = true;
    return enabled;
  }
  [[nodiscard]] static bool is_enabled() { return enabled_flag(); }
  static void set_enabled(bool on) { enabled_flag() = on; }
};

/// Sets grad mode for a scope and restores the previous mode when it ends.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
};

}  // namespace autograd

/// Disables recording for the current thread while in scope: `{ kaon::NoGradGuard g; ... }`.
class NoGradGuard : public autograd::AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

/// Enables recording for a scope inside a NoGradGuard.
class EnableGradGuard : public autograd::AutoGradMode {
 public:
  EnableGradGuard() : AutoGradMode(true) {}
};

}  // namespace kaon
