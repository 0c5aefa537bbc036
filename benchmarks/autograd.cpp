// SPDX-License-Identifier: MIT
// The forward of relu(a * b + c).sum() on 1x50 tensors with recording off: the baseline for the
// tape's fixed cost, which bench_workloads times as tape_relu(a*b+c).sum_1x50 (the same ops
// recorded, then their backward).
#include <benchmark/benchmark.h>

#include <kaon/kaon.hpp>

namespace {

void BM_forward_no_grad(benchmark::State& state) {
  kaon::set_num_threads(1);
  const auto a = kaon::rand({1, 50}), b = kaon::rand({1, 50}), c = kaon::rand({1, 50});
  for (auto _ : state) {
    auto loss = kaon::relu(a * b + c).sum();
    benchmark::DoNotOptimize(loss.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * 4);
}

}  // namespace

BENCHMARK(BM_forward_no_grad)->Name("BM_forward_no_grad/cpu/relu(a*b+c).sum/1x50");

BENCHMARK_MAIN();
