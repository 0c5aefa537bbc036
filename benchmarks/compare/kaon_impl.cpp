// SPDX-License-Identifier: MIT
// bench_compare's kaon side: the workloads of ../workloads.hpp (the same code bench_workloads
// times) behind compare::Workload, and the export of their data and initial weights.
#include <benchmark/benchmark.h>

#include <cmath>
#include <utility>

#include "../workloads.hpp"
#include "compare.hpp"

namespace compare {
namespace {

Array to_array(const kaon::Tensor<>& t) {
  Array a;
  for (int d = 0; d < t.dim(); ++d) a.shape.push_back(t.size(d));
  a.data = t.contiguous().to_vector();
  return a;
}

double abs_sum(const kaon::Tensor<>& t) {
  double s = 0;
  for (const float v : t.contiguous().to_vector()) s += std::abs(v);
  return s;
}

template <class W>
class Training final : public Workload {
 public:
  explicit Training(W (*make)()) : w_(make()) {}
  void run() override {
    w_.run();
    benchmark::DoNotOptimize(w_.loss.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return w_.loss.template item<double>(); }

 private:
  W w_;
};

class Inference final : public Workload {
 public:
  void run() override {
    w_.run();
    benchmark::DoNotOptimize(w_.out.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return abs_sum(w_.out); }

 private:
  kaon_bench::Inference<> w_ = kaon_bench::inference_small();
};

class Projectile final : public Workload {
 public:
  void run() override {
    w_.run();
    benchmark::DoNotOptimize(w_.x.data_ptr());
    benchmark::DoNotOptimize(w_.y.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return abs_sum(w_.x) + abs_sum(w_.y); }

 private:
  kaon_bench::Projectile<> w_ = kaon_bench::projectile();
};

class Gemm final : public Workload {
 public:
  explicit Gemm(std::int64_t n) : w_(kaon_bench::gemm(n)) {}
  void run() override {
    w_.run();
    benchmark::DoNotOptimize(w_.c.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return abs_sum(w_.c); }

 private:
  kaon_bench::Gemm<> w_;
};

class AddLarge final : public Workload {
 public:
  void run() override {
    w_.run();
    benchmark::DoNotOptimize(w_.a.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return kNothing; }

 private:
  kaon_bench::AddInto<> w_ = kaon_bench::add_large();
};

class AddNew final : public Workload {
 public:
  void run() override {
    w_.run([](float* p) { benchmark::DoNotOptimize(p); });
    benchmark::ClobberMemory();
  }
  double check() override { return kNothing; }

 private:
  kaon_bench::AddNew<> w_ = kaon_bench::add_new();
};

std::int64_t gemm_size(const std::string& name) { return std::stoll(name.substr(5)); }

template <class W>
Problem training_problem(const std::string& name, W (*make)()) {
  auto w = make();
  Problem p{name, {to_array(w.x), to_array(w.y)}, {}};
  for (const auto& t : w.model.parameters()) p.params.push_back(to_array(t));
  return p;
}

}  // namespace

void kaon_single_thread() { kaon::set_num_threads(1); }

Problem kaon_problem(const std::string& name) {
  if (name == "mlp_step") return training_problem(name, kaon_bench::mlp_step<>);
  if (name == "mlp_step_rprop") return training_problem(name, kaon_bench::mlp_step_rprop<>);
  if (name == "linreg_step") return training_problem(name, kaon_bench::linreg_step<>);
  if (name == "mlp_medium") return training_problem(name, kaon_bench::mlp_medium<>);
  if (name == "inference_small") {
    const auto w = kaon_bench::inference_small();
    Problem p{name, {to_array(w.x)}, {}};
    for (const auto& t : w.model.parameters()) p.params.push_back(to_array(t));
    return p;
  }
  if (name == "projectile") {
    const auto w = kaon_bench::projectile();
    return {name, {to_array(w.u0), to_array(w.theta), to_array(w.t)}, {}};
  }
  if (name.rfind("gemm/", 0) == 0) {
    const auto w = kaon_bench::gemm(gemm_size(name));
    return {name, {to_array(w.a), to_array(w.b)}, {}};
  }
  if (name == "add_large") {
    const auto w = kaon_bench::add_large();
    return {name, {to_array(w.a), to_array(w.b)}, {}};
  }
  if (name == "add_new") {
    const auto w = kaon_bench::add_new();
    return {name, {to_array(w.a), to_array(w.b)}, {}};
  }
  return {name, {}, {}};
}

std::unique_ptr<Workload> make_kaon(const std::string& name) {
  if (name == "mlp_step")
    return std::make_unique<Training<kaon_bench::MlpAdam<>>>(kaon_bench::mlp_step<>);
  if (name == "mlp_step_rprop")
    return std::make_unique<Training<kaon_bench::MlpRprop<>>>(kaon_bench::mlp_step_rprop<>);
  if (name == "linreg_step")
    return std::make_unique<Training<kaon_bench::LinearRprop<>>>(kaon_bench::linreg_step<>);
  if (name == "mlp_medium")
    return std::make_unique<Training<kaon_bench::MlpAdam<>>>(kaon_bench::mlp_medium<>);
  if (name == "inference_small") return std::make_unique<Inference>();
  if (name == "projectile") return std::make_unique<Projectile>();
  if (name.rfind("gemm/", 0) == 0) return std::make_unique<Gemm>(gemm_size(name));
  if (name == "add_large") return std::make_unique<AddLarge>();
  if (name == "add_new") return std::make_unique<AddNew>();
  return nullptr;
}

}  // namespace compare
