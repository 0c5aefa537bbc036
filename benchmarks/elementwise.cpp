// SPDX-License-Identifier: MIT
// Element-wise op costs on the CPU: the fixed cost of one op on a tiny tensor (what dominates
// kaon's small-network workloads) and the throughput on 10,000,000 floats.
#include <benchmark/benchmark.h>

#include <kaon/kaon.hpp>

namespace {

void set_threads(const benchmark::State& state) {
  kaon::set_num_threads(static_cast<int>(state.range(0)));
}

using BinaryOp = kaon::Tensor<> (*)(const kaon::Tensor<>&, const kaon::Tensor<>&);
kaon::Tensor<> add(const kaon::Tensor<>& a, const kaon::Tensor<>& b) { return a + b; }
kaon::Tensor<> mul(const kaon::Tensor<>& a, const kaon::Tensor<>& b) { return a * b; }
kaon::Tensor<> sub(const kaon::Tensor<>& a, const kaon::Tensor<>& b) { return a - b; }
kaon::Tensor<> div(const kaon::Tensor<>& a, const kaon::Tensor<>& b) { return a / b; }

// c = op(a, b), a new result per call. On tiny shapes this is the fixed cost of an op
// (allocation from the cache, shape logic, the loop); on 10M floats it is memory bandwidth:
// two 40 MB reads and one 40 MB write.
void BM_binary(benchmark::State& state, BinaryOp op, kaon::Shape sa, kaon::Shape sb) {
  set_threads(state);
  const auto a = kaon::rand(sa), b = kaon::rand(sb);
  std::int64_t n = 0;
  for (auto _ : state) {
    auto c = op(a, b);
    n = c.numel();
    benchmark::DoNotOptimize(c.data_ptr());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * (a.numel() + b.numel() + n) *
                          static_cast<std::int64_t>(sizeof(float)));
}

constexpr std::int64_t kLarge = 10'000'000;

// a += b on 10M floats into an existing tensor.
void BM_add_large_inplace(benchmark::State& state) {
  set_threads(state);
  auto a = kaon::rand({kLarge});
  const auto b = kaon::rand({kLarge});
  for (auto _ : state) {
    a += b;
    benchmark::DoNotOptimize(a.data_ptr());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kLarge * 3 *
                          static_cast<std::int64_t>(sizeof(float)));
}

}  // namespace

// The argument is the thread count (kaon::set_num_threads).
BENCHMARK_CAPTURE(BM_binary, add_small, add, kaon::Shape{1, 50}, kaon::Shape{1, 50})
    ->Name("BM_add/cpu/1x50")
    ->Arg(1);
BENCHMARK_CAPTURE(BM_binary, mul_small, mul, kaon::Shape{1, 50}, kaon::Shape{1, 50})
    ->Name("BM_mul/cpu/1x50")
    ->Arg(1);
BENCHMARK_CAPTURE(BM_binary, add_broadcast, add, kaon::Shape{1, 50}, kaon::Shape{50, 1})
    ->Name("BM_add_broadcast/cpu/1x50+50x1")
    ->Arg(1);
// Short rows: x - mean over a few features, p / p.sum(1, true) over three classes.
BENCHMARK_CAPTURE(BM_binary, sub_row, sub, kaon::Shape{4000, 2}, kaon::Shape{2})
    ->Name("BM_sub_row/cpu/4000x2-2")
    ->Arg(1);
BENCHMARK_CAPTURE(BM_binary, div_column, div, kaon::Shape{4000, 3}, kaon::Shape{4000, 1})
    ->Name("BM_div_column/cpu/4000x3/4000x1")
    ->Arg(1);
BENCHMARK_CAPTURE(BM_binary, add_large, add, kaon::Shape{kLarge}, kaon::Shape{kLarge})
    ->Name("BM_add_large/cpu/10M")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_binary, mul_large, mul, kaon::Shape{kLarge}, kaon::Shape{kLarge})
    ->Name("BM_mul_large/cpu/10M")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_add_large_inplace)
    ->Name("BM_add_large_inplace/cpu/10M")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
