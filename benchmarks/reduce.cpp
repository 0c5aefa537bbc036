// SPDX-License-Identifier: MIT
// Whole-tensor reductions on 10,000,000 floats (a histogram's range, a normalisation, the
// index checks of gather and of the classification losses), and the per-column maximum of
// 1,000,000 rows of 10 features (a min-max scaling), beside Eigen's own on the same buffer.
// The argument is the thread count (kaon::set_num_threads); Eigen's runs on one.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <kaon/kaon.hpp>

namespace {

constexpr std::int64_t kLarge = 10'000'000;

using Reduction = float (*)(const kaon::Tensor<>&);
float sum(const kaon::Tensor<>& x) { return x.sum().item(); }
float max(const kaon::Tensor<>& x) { return x.max().item(); }
float argmax(const kaon::Tensor<>& x) { return static_cast<float>(x.argmax().item()); }

void BM_reduce(benchmark::State& state, Reduction f) {
  kaon::set_num_threads(static_cast<int>(state.range(0)));
  kaon::manual_seed(3);
  const auto x = kaon::randn({kLarge});
  for (auto _ : state) benchmark::DoNotOptimize(f(x));
  state.SetBytesProcessed(state.iterations() * kLarge * static_cast<std::int64_t>(sizeof(float)));
}

using EigenReduction = float (*)(const Eigen::Map<const Eigen::ArrayXf>&);
float eigen_sum(const Eigen::Map<const Eigen::ArrayXf>& x) { return x.sum(); }
float eigen_max(const Eigen::Map<const Eigen::ArrayXf>& x) { return x.maxCoeff(); }
float eigen_argmax(const Eigen::Map<const Eigen::ArrayXf>& x) {
  Eigen::Index i = 0;
  x.maxCoeff(&i);
  return static_cast<float>(i);
}

void BM_reduce_eigen(benchmark::State& state, EigenReduction f) {
  kaon::manual_seed(3);
  const auto x = kaon::randn({kLarge});
  const Eigen::Map<const Eigen::ArrayXf> m(x.data_ptr(), kLarge);
  for (auto _ : state) benchmark::DoNotOptimize(f(m));
  state.SetBytesProcessed(state.iterations() * kLarge * static_cast<std::int64_t>(sizeof(float)));
}

constexpr std::int64_t kRows = 1'000'000, kFeatures = 10;

// x.max(0): the values and the rows where they were found, as torch.max(x, 0).
void BM_max_dim0(benchmark::State& state) {
  kaon::set_num_threads(static_cast<int>(state.range(0)));
  kaon::manual_seed(3);
  const auto x = kaon::randn({kRows, kFeatures});
  for (auto _ : state) benchmark::DoNotOptimize(x.max(0).indices.data_ptr());
  state.SetBytesProcessed(state.iterations() * kRows * kFeatures *
                          static_cast<std::int64_t>(sizeof(float)));
}

// Eigen's colwise().maxCoeff() of the same row-major block: the values only.
void BM_max_dim0_eigen(benchmark::State& state) {
  kaon::manual_seed(3);
  const auto x = kaon::randn({kRows, kFeatures});
  using RowMajor = Eigen::Array<float, Eigen::Dynamic, kFeatures, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> m(x.data_ptr(), kRows, kFeatures);
  Eigen::Array<float, 1, kFeatures> out;
  for (auto _ : state) {
    out = m.colwise().maxCoeff();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kRows * kFeatures *
                          static_cast<std::int64_t>(sizeof(float)));
}

}  // namespace

BENCHMARK(BM_max_dim0)
    ->Name("BM_max_dim0/cpu/1Mx10")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_max_dim0_eigen)->Name("BM_max_dim0/eigen/1Mx10")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_reduce, sum, sum)
    ->Name("BM_sum/cpu/10M")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_reduce, max, max)
    ->Name("BM_max/cpu/10M")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_reduce, argmax, argmax)
    ->Name("BM_argmax/cpu/10M")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_reduce_eigen, sum, eigen_sum)
    ->Name("BM_sum/eigen/10M")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_reduce_eigen, max, eigen_max)
    ->Name("BM_max/eigen/10M")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_reduce_eigen, argmax, eigen_argmax)
    ->Name("BM_argmax/eigen/10M")
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
