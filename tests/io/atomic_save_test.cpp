// SPDX-License-Identifier: MIT
// save_npz and save_npy replace a file whole or not at all: a child process saving a large
// archive over a checkpoint again and again is killed (SIGKILL) at several moments, and the
// checkpoint then reads back complete, either the old one or a new one.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <string>
#include <thread>

#include "support/temp_dir.hpp"

namespace atomic_save_test {
constexpr std::int64_t kBig = std::int64_t{8} << 20;  // 32 MiB of float: a save takes a while

/// Forks a child that saves `save(path)` in a loop, kills it after `delay`, and reaps it.
template <class Save>
void kill_while_saving(const Save& save, std::chrono::milliseconds delay) {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // never back into Catch: a failed save ends the child with status 1
    try {
      for (;;) save();
    } catch (...) {
    }
    _exit(1);
  }
  std::this_thread::sleep_for(delay);
  REQUIRE(kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
}
}  // namespace atomic_save_test

TEST_CASE("A process killed while saving leaves the previous checkpoint whole", "[io][kill]") {
  using namespace atomic_save_test;
  const kaon_test::TempDir dir("kaon-kill-test");
  const auto npz = dir.file("model.npz").string(), npy = dir.file("weights.npy").string();
  kaon::io::save_npz(npz, kaon::io::NamedTensors<float>{{"w", kaon::zeros({4})}});
  kaon::io::save_npy(npy, kaon::zeros({4}));
  const auto big = kaon::ones({kBig});
  for (const int ms : {30, 90, 200, 420}) {
    INFO("killed after " << ms << " ms");
    kill_while_saving(
        [&] {
          kaon::io::save_npz(npz, kaon::io::NamedTensors<float>{{"w", big}});
        },
        std::chrono::milliseconds(ms));
    const auto state = kaon::io::load_npz(npz);  // throws if the file were cut short
    REQUIRE(state.size() == 1);
    const auto& w = state[0].second;
    CHECK((w.numel() == 4 || w.numel() == kBig));
    CHECK(w.sum().item() == static_cast<float>(w.numel() == 4 ? 0 : kBig));

    kill_while_saving([&] { kaon::io::save_npy(npy, big); }, std::chrono::milliseconds(ms));
    const auto t = kaon::io::load_npy(npy);
    CHECK((t.numel() == 4 || t.numel() == kBig));
  }
}
