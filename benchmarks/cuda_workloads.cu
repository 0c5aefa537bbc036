// SPDX-License-Identifier: MIT
// Issue 8's workloads on kaon::cuda, under the names bench_workloads gives them on the CPU: the
// same code (workloads.hpp, instantiated for the GPU), each run timed with CUDA events around it
// on the default stream that kaon launches on (Google Benchmark's manual time). Rates (FLOP/s,
// B/s) are computed from the event times. Without a usable GPU it says so and exits with 77.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <kaon/cuda.cuh>

#include "workloads.hpp"

namespace {

using Gpu = kaon::cuda;

/// Times body() with CUDA events, one warm-up run first (allocator blocks, the cuBLAS handle).
/// `per_run` (flops or bytes of one run), when given, becomes the counter `rate`.
template <class Body>
void time_on_gpu(benchmark::State& state, const Body& body, const char* rate = nullptr,
                 double per_run = 0) {
  cudaEvent_t start = nullptr, stop = nullptr;
  KAON_CUDA_CHECK(cudaEventCreate(&start));
  KAON_CUDA_CHECK(cudaEventCreate(&stop));
  body();
  KAON_CUDA_CHECK(cudaDeviceSynchronize());
  double total = 0;
  for (auto _ : state) {
    KAON_CUDA_CHECK(cudaEventRecord(start));
    body();
    KAON_CUDA_CHECK(cudaEventRecord(stop));
    KAON_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    KAON_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    state.SetIterationTime(ms * 1e-3);
    total += ms * 1e-3;
  }
  KAON_CUDA_CHECK(cudaEventDestroy(start));
  KAON_CUDA_CHECK(cudaEventDestroy(stop));
  if (rate != nullptr && total > 0)
    state.counters[rate] = per_run * static_cast<double>(state.iterations()) / total;
}

template <class Make>
void BM_step(benchmark::State& state, Make make) {
  auto w = make();
  time_on_gpu(state, [&] { w.run(); });
}

void BM_inference_small(benchmark::State& state) {
  auto w = kaon_bench::inference_small<Gpu>();
  time_on_gpu(state, [&] { w.run(); });
}

void BM_projectile(benchmark::State& state) {
  auto w = kaon_bench::projectile<Gpu>();
  time_on_gpu(state, [&] { w.run(); });
}

void BM_gemm(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  auto w = kaon_bench::gemm<Gpu>(n);
  time_on_gpu(
      state, [&] { w.run(); }, "FLOP/s", 2.0 * static_cast<double>(n * n * n));
}

constexpr double kAddBytes = 3.0 * sizeof(float) * static_cast<double>(kaon_bench::kLargeN);

void BM_add_large(benchmark::State& state) {
  auto w = kaon_bench::add_large<Gpu>();
  time_on_gpu(
      state, [&] { w.run(); }, "B/s", kAddBytes);
}

void BM_add_new(benchmark::State& state) {
  auto w = kaon_bench::add_new<Gpu>();
  time_on_gpu(
      state, [&] { w.run([](float* p) { benchmark::DoNotOptimize(p); }); }, "B/s", kAddBytes);
}

// The fixed costs of the foundation and autograd issues: one op on 1x50 floats, and forward
// plus backward of relu(a * b + c).sum() on 1x50 tensors (bench_workloads times the same on the
// CPU).
void BM_add_small(benchmark::State& state) {
  auto w = kaon_bench::add_small<Gpu>();
  time_on_gpu(state, [&] { w.run([](float* p) { benchmark::DoNotOptimize(p); }); });
}

void BM_tape(benchmark::State& state) {
  auto w = kaon_bench::tape<Gpu>();
  time_on_gpu(state, [&] { w.run(); });
}

}  // namespace

BENCHMARK(BM_add_small)->Name("add_small")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_tape)
    ->Name("tape_relu(a*b+c).sum_1x50")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, mlp_step, kaon_bench::mlp_step<Gpu>)
    ->Name("mlp_step")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, mlp_step_rprop, kaon_bench::mlp_step_rprop<Gpu>)
    ->Name("mlp_step_rprop")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, linreg_step, kaon_bench::linreg_step<Gpu>)
    ->Name("linreg_step")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_step, mlp_medium, kaon_bench::mlp_medium<Gpu>)
    ->Name("mlp_medium")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gemm)->Name("gemm")->Arg(64)->Arg(256)->Arg(1024)->UseManualTime()->Unit(
    benchmark::kMicrosecond);
BENCHMARK(BM_add_large)->Name("add_large")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_add_new)->Name("add_new")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_projectile)->Name("projectile")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_inference_small)
    ->Name("inference_small")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  if (!kaon::detail::cuda_device_available()) {
    std::fprintf(stderr, "bench_cuda_workloads: no usable CUDA device; nothing measured\n");
    return 77;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
