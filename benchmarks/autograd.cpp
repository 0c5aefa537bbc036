// SPDX-License-Identifier: MIT
// The tape's fixed cost: forward and backward of relu(a * b + c).sum() on 1x50 tensors with
// recording on, beside the same forward with recording off.
#include <benchmark/benchmark.h>

#include <kaon/kaon.hpp>

namespace {

void BM_tape(benchmark::State& state) {
  kaon::set_num_threads(1);
  auto a = kaon::rand({1, 50}).requires_grad_();
  auto b = kaon::rand({1, 50}).requires_grad_();
  auto c = kaon::rand({1, 50}).requires_grad_();
  for (auto _ : state) {
    auto loss = kaon::relu(a * b + c).sum();
    loss.backward();
    benchmark::DoNotOptimize(a.grad().data_ptr());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 4);  // recorded ops per iteration
}

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

BENCHMARK(BM_tape)->Name("BM_tape/cpu/relu(a*b+c).sum/1x50");
BENCHMARK(BM_forward_no_grad)->Name("BM_forward_no_grad/cpu/relu(a*b+c).sum/1x50");

BENCHMARK_MAIN();
