// SPDX-License-Identifier: MIT
// bench_compare: issue 8's workloads through kaon, LibTorch and a hand-written Eigen floor in one
// process, single-threaded, named <workload>/<kaon|libtorch|eigen_floor>. At start it checks
// that the three compute the same thing (10 training steps from kaon's initial weights, losses
// equal to 1e-5 relative) and exits with 1 when they do not; after the Google Benchmark run it
// prints the medians and the ratios libtorch/kaon and kaon/eigen_floor.
//
//   bench_compare                 check, then benchmark (5 repetitions, medians)
//   bench_compare --verify        the check only
//   bench_compare --benchmark_filter=mlp_step   any Google Benchmark flag
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "compare.hpp"

namespace compare {
namespace {

const std::vector<std::string> kImpls = {"kaon", "libtorch", "eigen_floor"};

std::unique_ptr<Workload> make(const std::string& impl, const std::string& name) {
  if (impl == "kaon") return make_kaon(name);
  const Problem p = kaon_problem(name);
  return impl == "libtorch" ? make_libtorch(p) : make_eigen_floor(p);
}

bool agrees(double value, double reference, double rtol) {
  return std::abs(value - reference) <= rtol * std::abs(reference);
}

// ---- The check -------------------------------------------------------------------------------

constexpr int kVerifySteps = 10;
constexpr double kRtol = 1e-5;

/// Runs every training workload 10 steps in each implementation from the same initial weights
/// and compares the losses with kaon's; the other workloads compare one output's sum of |x|.
bool verify() {
  bool ok = true;
  std::printf("Checking that kaon, LibTorch and the Eigen floor compute the same thing\n");
  std::printf("(losses of %d steps from kaon's initial weights, to %g relative)\n", kVerifySteps,
              kRtol);
  for (const auto& name : workload_names()) {
    if (!is_training(name)) continue;
    std::vector<std::unique_ptr<Workload>> w;
    for (const auto& impl : kImpls) w.push_back(make(impl, name));
    std::printf("\n%-16s %4s %16s %16s %16s\n", name.c_str(), "step", "kaon", "libtorch",
                "eigen_floor");
    for (int step = 1; step <= kVerifySteps; ++step) {
      double loss[3];
      for (std::size_t i = 0; i < w.size(); ++i) {
        w[i]->run();
        loss[i] = w[i]->check();
      }
      const bool same = agrees(loss[1], loss[0], kRtol) && agrees(loss[2], loss[0], kRtol);
      ok = ok && same;
      std::printf("%-16s %4d %16.9g %16.9g %16.9g%s\n", "", step, loss[0], loss[1], loss[2],
                  same ? "" : "  MISMATCH");
    }
  }
  std::printf("\n%-16s %16s %16s %16s   (sum of |output| after one run)\n", "workload", "kaon",
              "libtorch", "eigen_floor");
  for (const std::string name : {"inference_small", "projectile", "gemm/64"}) {
    double sum[3];
    for (std::size_t i = 0; i < kImpls.size(); ++i) {
      auto w = make(kImpls[i], name);
      w->run();
      sum[i] = w->check();
    }
    const bool same = agrees(sum[1], sum[0], kRtol) && agrees(sum[2], sum[0], kRtol);
    ok = ok && same;
    std::printf("%-16s %16.9g %16.9g %16.9g%s\n", name.c_str(), sum[0], sum[1], sum[2],
                same ? "" : "  MISMATCH");
  }
  std::printf("\n%s\n\n", ok ? "check passed" : "check FAILED: the implementations differ");
  return ok;
}

// ---- The benchmarks --------------------------------------------------------------------------

constexpr std::int64_t kAddElements = 10'000'000;

void register_benchmarks() {
  for (const auto& name : workload_names()) {
    for (const auto& impl : kImpls) {
      auto* b = benchmark::RegisterBenchmark(
          (name + "/" + impl).c_str(), [name, impl](benchmark::State& state) {
            auto w = make(impl, name);
            if (!w) {
              state.SkipWithError("no such workload in this implementation");
              return;
            }
            for (auto _ : state) w->run();
            if (name.rfind("gemm/", 0) == 0) {
              const double n = std::stod(name.substr(5));
              state.counters["FLOP/s"] =
                  benchmark::Counter(2 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                     benchmark::Counter::kIs1000);
            } else if (name.rfind("add_", 0) == 0) {
              state.counters["B/s"] = benchmark::Counter(
                  3.0 * sizeof(float) * kAddElements, benchmark::Counter::kIsIterationInvariantRate,
                  benchmark::Counter::kIs1000);
            }
          });
      b->Unit(name.rfind("add_", 0) == 0 ? benchmark::kMillisecond : benchmark::kMicrosecond);
    }
  }
}

/// The console output, plus each benchmark's median (or its only run without repetitions).
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  struct Result {
    double seconds = 0;
    double rate = 0;  // FLOP/s or B/s, 0 when the workload has no counter
    bool from_median = false;
  };

  MedianReporter() : ConsoleReporter(OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (!median && run.run_type != Run::RT_Iteration) continue;
      auto& r = results_[run.run_name.function_name];
      if (!median && r.from_median) continue;
      r.seconds = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      for (const char* counter : {"FLOP/s", "B/s"})
        if (const auto it = run.counters.find(counter); it != run.counters.end())
          r.rate = it->second.value;
      r.from_median = median;
    }
  }
  [[nodiscard]] const std::map<std::string, Result>& results() const { return results_; }

 private:
  std::map<std::string, Result> results_;
};

std::string format_time(double seconds) {
  char buf[32];
  if (seconds <= 0) return "-";
  if (seconds < 1e-6) {
    std::snprintf(buf, sizeof buf, "%.0f ns", seconds * 1e9);
  } else if (seconds < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.2f us", seconds * 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f ms", seconds * 1e3);
  }
  return buf;
}

std::string format_ratio(double num, double den) {
  if (num <= 0 || den <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", num / den);
  return buf;
}

void print_table(const std::map<std::string, MedianReporter::Result>& results) {
  auto get = [&](const std::string& name, const std::string& impl) {
    const auto it = results.find(name + "/" + impl);
    return it == results.end() ? MedianReporter::Result{} : it->second;
  };
  std::printf(
      "\nMedians, single thread (libtorch/kaon > 1: kaon is faster; kaon/eigen_floor is "
      "kaon's time over the floor's)\n\n");
  std::printf("%-16s %12s %12s %12s %14s %17s\n", "workload", "kaon", "libtorch", "eigen_floor",
              "libtorch/kaon", "kaon/eigen_floor");
  for (const auto& name : workload_names()) {
    const auto k = get(name, "kaon"), t = get(name, "libtorch"), f = get(name, "eigen_floor");
    if (k.seconds <= 0 && t.seconds <= 0 && f.seconds <= 0) continue;
    std::printf("%-16s %12s %12s %12s %14s %17s\n", name.c_str(), format_time(k.seconds).c_str(),
                format_time(t.seconds).c_str(), format_time(f.seconds).c_str(),
                format_ratio(t.seconds, k.seconds).c_str(),
                format_ratio(k.seconds, f.seconds).c_str());
  }
  std::printf("\n%-16s %12s %12s %12s %20s\n", "rates", "kaon", "libtorch", "eigen_floor",
              "kaon/eigen_floor");
  for (const auto& name : workload_names()) {
    const auto k = get(name, "kaon"), t = get(name, "libtorch"), f = get(name, "eigen_floor");
    if (k.rate <= 0 && t.rate <= 0 && f.rate <= 0) continue;
    const bool gemm = name.rfind("gemm/", 0) == 0;
    std::printf("%-16s %12.1f %12.1f %12.1f %20s   %s\n", name.c_str(), k.rate * 1e-9,
                t.rate * 1e-9, f.rate * 1e-9, format_ratio(k.rate, f.rate).c_str(),
                gemm ? "GFLOP/s" : "GB/s");
  }
}

}  // namespace
}  // namespace compare

int main(int argc, char** argv) {
  compare::kaon_single_thread();
  compare::libtorch_single_thread();

  std::vector<char*> args;
  bool verify_only = false, has_repetitions = false, has_aggregates = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--verify") == 0) {
      verify_only = true;
      continue;
    }
    has_repetitions = has_repetitions || std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0;
    has_aggregates =
        has_aggregates || std::strncmp(argv[i], "--benchmark_report_aggregates", 29) == 0;
    args.push_back(argv[i]);
  }
  if (!compare::verify()) return 1;
  if (verify_only) return 0;

  std::string repetitions = "--benchmark_repetitions=5";
  std::string aggregates = "--benchmark_report_aggregates_only=true";
  if (!has_repetitions) args.push_back(repetitions.data());
  if (!has_aggregates) args.push_back(aggregates.data());
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;

  compare::register_benchmarks();
  compare::MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  compare::print_table(reporter.results());
  benchmark::Shutdown();
  return 0;
}
