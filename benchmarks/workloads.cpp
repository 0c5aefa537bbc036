// SPDX-License-Identifier: MIT
// Issue 8's workloads on the CPU, single thread: the fixed cost of one op and of a small recorded
// forward and backward, small-network training steps, inference, the projectile broadcast, GEMM
// (GFLOP/s) and 10M-float adds (GB/s); and two figures of the machine
// itself: the cost of the fresh pages a new 10M-float block takes when freed memory goes back to
// the kernel, and the time to read two 10M-float inputs once. The workloads themselves are in
// workloads.hpp, shared with bench_compare (benchmarks/compare/), which runs the same ones
// through LibTorch and a hand-written Eigen floor.
#include "workloads.hpp"

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

// A training step or a forward: the state is built before the timed loop.
template <class Make>
void BM_step(benchmark::State& state, Make make) {
  kaon::set_num_threads(1);
  auto w = make();
  for (auto _ : state) {
    w.run();
    benchmark::DoNotOptimize(w.loss.data_ptr());
    benchmark::ClobberMemory();
  }
}

void BM_inference_small(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto w = kaon_bench::inference_small();
  for (auto _ : state) {
    w.run();
    benchmark::DoNotOptimize(w.out.data_ptr());
    benchmark::ClobberMemory();
  }
}

void BM_projectile(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto w = kaon_bench::projectile();
  for (auto _ : state) {
    w.run();
    benchmark::DoNotOptimize(w.x.data_ptr());
    benchmark::DoNotOptimize(w.y.data_ptr());
    benchmark::ClobberMemory();
  }
}

// c = a @ b on [n, n] floats, with a FLOP/s counter (2 n^3 per product).
void BM_gemm(benchmark::State& state) {
  kaon::set_num_threads(1);
  const std::int64_t n = state.range(0);
  auto w = kaon_bench::gemm(n);
  for (auto _ : state) {
    w.run();
    benchmark::DoNotOptimize(w.c.data_ptr());
    benchmark::ClobberMemory();
  }
  state.counters["FLOP/s"] = benchmark::Counter(
      2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n),
      benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// Bytes moved by an add over 10M floats: two reads and one write.
benchmark::Counter add_bytes_counter() {
  return benchmark::Counter(3.0 * sizeof(float) * static_cast<double>(kaon_bench::kLargeN),
                            benchmark::Counter::kIsIterationInvariantRate,
                            benchmark::Counter::kIs1000);
}

void BM_add_large(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto w = kaon_bench::add_large();
  for (auto _ : state) {
    w.run();
    benchmark::DoNotOptimize(w.a.data_ptr());
    benchmark::ClobberMemory();
  }
  state.counters["B/s"] = add_bytes_counter();
}

void BM_add_new(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto w = kaon_bench::add_new();
  for (auto _ : state) {
    w.run([](float* p) { benchmark::DoNotOptimize(p); });
    benchmark::ClobberMemory();
  }
  state.counters["B/s"] = add_bytes_counter();
}

// What a result of 10M floats costs where it is not reused: map 40 MB, touch each 4 KiB page
// once (the kernel's fault and zeroing), unmap. LibTorch's and plain Eigen's add_new pay this
// every time; kaon's caching allocator does not.
void BM_fresh_pages(benchmark::State& state) {
  constexpr std::size_t kPage = 4096;
  const std::size_t bytes = sizeof(float) * static_cast<std::size_t>(kaon_bench::kLargeN);
  for (auto _ : state) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      state.SkipWithError("mmap failed");
      break;
    }
    auto* bytes_of = static_cast<volatile char*>(p);
    for (std::size_t i = 0; i < bytes; i += kPage) bytes_of[i] = 1;
    munmap(p, bytes);
  }
  state.counters["pages/s"] = benchmark::Counter(static_cast<double>((bytes + kPage - 1) / kPage),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_add_small(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto w = kaon_bench::add_small();
  for (auto _ : state) {
    w.run([](float* p) { benchmark::DoNotOptimize(p); });
    benchmark::ClobberMemory();
  }
}

void BM_tape(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto w = kaon_bench::tape();
  for (auto _ : state) {
    w.run();
    benchmark::DoNotOptimize(w.a.grad().data_ptr());
    benchmark::ClobberMemory();
  }
}

// The least time any c = a + b over 10M floats can take here: reading a and b once (80 MB),
// folding their words with XOR so the loop vectorises and nothing is written.
void BM_read_inputs(benchmark::State& state) {
  const auto words = static_cast<std::size_t>(kaon_bench::kLargeN / 2);  // 8 bytes: 2 floats
  const std::vector<std::uint64_t> a(words, 1), b(words, 2);
  for (auto _ : state) {
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < a.size(); ++i) x ^= a[i] ^ b[i];
    benchmark::DoNotOptimize(x);
  }
  state.counters["B/s"] = benchmark::Counter(2.0 * sizeof(float) * kaon_bench::kLargeN,
                                             benchmark::Counter::kIsIterationInvariantRate,
                                             benchmark::Counter::kIs1000);
}

}  // namespace

BENCHMARK(BM_add_small)->Name("add_small")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_tape)->Name("tape_relu(a*b+c).sum_1x50")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, mlp_step, kaon_bench::mlp_step<>)
    ->Name("mlp_step")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, mlp_step_rprop, kaon_bench::mlp_step_rprop<>)
    ->Name("mlp_step_rprop")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, linreg_step, kaon_bench::linreg_step<>)
    ->Name("linreg_step")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, mlp_medium, kaon_bench::mlp_medium<>)
    ->Name("mlp_medium")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gemm)->Name("gemm")->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_add_large)->Name("add_large")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_add_new)->Name("add_new")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_projectile)->Name("projectile")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_inference_small)->Name("inference_small")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_fresh_pages)->Name("fresh_pages")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_read_inputs)->Name("read_inputs")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
