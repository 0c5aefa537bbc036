// SPDX-License-Identifier: MIT
// Restores kaon's host thread count when a test leaves scope, even when a check fails.
#pragma once

#include <kaon/kaon.hpp>

namespace kaon_test {

class ThreadCountGuard {
 public:
  ThreadCountGuard() : saved_(kaon::get_num_threads()) {}
  ~ThreadCountGuard() { kaon::set_num_threads(saved_); }
  ThreadCountGuard(const ThreadCountGuard&) = delete;
  ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

 private:
  int saved_;
};

}  // namespace kaon_test
