// SPDX-License-Identifier: MIT
// Memory soak: long training loops whose resident memory must stay flat (docs/reliability.md).
//
//   g++ -std=c++20 -O2 -Iinclude -I/usr/include/eigen3 tools/soak.cpp -o soak && ./soak [STEPS]
//
// Runs STEPS (default 100000) Adam steps on a 1-50-1 MLP with fresh batches, then STEPS/10
// second-derivative steps (create_graph), and prints the resident set size after the first
// tenth and at the end of each. It exits 1 when a loop's memory grew by more than 1 MiB.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <kaon/kaon.hpp>

namespace {
/// Resident set size in KiB, from /proc/self/statm.
long rss_kib() {
  long pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Runs `steps` of `step`, returns the growth of the resident set after the first tenth.
template <class Step>
long soak(const char* what, long steps, const Step& step) {
  long warm = 0;
  for (long i = 0; i < steps; ++i) {
    step();
    if (i == steps / 10) warm = rss_kib();
  }
  const long end = rss_kib();
  std::printf("%-34s %8ld steps: %7ld KiB after a tenth, %7ld KiB at the end (%+ld KiB)\n", what,
              steps, warm, end, end - warm);
  return end - warm;
}
}  // namespace

int main(int argc, char** argv) {
  const long steps = argc > 1 ? std::atol(argv[1]) : 100000;
  namespace nn = kaon::nn;
  kaon::manual_seed(1);
  nn::Sequential<float> model(nn::Linear<float>(1, 50), nn::ReLU<float>(),
                              nn::Linear<float>(50, 1));
  kaon::optim::Adam<float> opt(model.parameters(), kaon::optim::AdamOptions(1e-3));
  const long adam = soak("Adam, 1-50-1 MLP, batch 64", steps, [&] {
    const auto x = kaon::rand({64, 1});
    opt.zero_grad();
    nn::functional::mse_loss(model(x), kaon::sin(x * 6.0f)).backward();
    opt.step();
  });
  auto w = kaon::randn({8}).requires_grad_();
  const long graph = soak("create_graph: grad of grad", steps / 10, [&] {
    const auto y = (kaon::tanh(w) * w).sum();
    const auto g = kaon::autograd::grad({y}, {w}, {}, std::nullopt, true)[0];
    const auto gg = kaon::autograd::grad({(g * g).sum()}, {w})[0];
    w.set_grad(gg);
  });
  return adam > 1024 || graph > 1024 ? 1 : 0;
}
