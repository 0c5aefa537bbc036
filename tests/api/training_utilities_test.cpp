// SPDX-License-Identifier: MIT
// Training utilities against PyTorch (tools/gen_api_reference.py): MultiStepLR, LinearLR,
// CosineAnnealingLR, StepLR and OneCycleLR on two parameter groups, get_last_lr() per group, and
// clip_grad_norm_ / clip_grad_value_.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <kaon/kaon.hpp>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace training_utilities_test {
namespace api_ref = kaon_ref::api;
namespace optim = kaon::optim;
using kaon_test::check_matches;
using kaon_test::from_ref;

/// As the script: SGD with groups at lr 0.1 and 0.4; each group's lr before each of 12
/// scheduler steps (the optimiser steps without gradients first), with get_last_lr() checked
/// against the optimiser after each step.
template <class Scheduler, class... Args>
void check_schedule(const kaon_ref::Ref& expected, Args... args) {
  auto a = kaon::zeros<double>({1}).requires_grad_(), b = kaon::zeros<double>({1}).requires_grad_();
  optim::SGD<double> opt({{{a}, optim::SGDOptions(0.1)}, {{b}, optim::SGDOptions(0.4)}});
  Scheduler sched(opt, args...);
  std::vector<double> lrs;
  for (int epoch = 0; epoch < 12; ++epoch) {
    lrs.push_back(opt.lr(0));
    lrs.push_back(opt.lr(1));
    opt.step();
    sched.step();
    REQUIRE(sched.get_last_lr() == std::vector<double>{opt.lr(0), opt.lr(1)});
  }
  REQUIRE(lrs.size() == expected.values.size());
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    INFO("epoch " << i / 2 << ", group " << i % 2);
    CHECK(lrs[i] == expected.values[i]);  // the same operations in the same order: exact
  }
}

/// As the script: two groups; each group's lr, then each group's momentum (or beta1), before
/// each of 12 OneCycleLR steps.
template <class Opt, class... Args>
optim::OneCycleLR<double> check_one_cycle(const kaon_ref::Ref& expected, Opt& opt, Args... args) {
  optim::OneCycleLR<double> sched(opt, args...);
  std::vector<double> seen;
  for (int step = 0; step < 12; ++step) {
    for (std::size_t g = 0; g < 2; ++g) seen.push_back(opt.lr(g));
    for (std::size_t g = 0; g < 2; ++g) seen.push_back(opt.momentum(g).value());
    opt.step();
    if (step == 11) break;  // the script's last step goes past what it records
    sched.step();
    REQUIRE(sched.get_last_lr() == std::vector<double>{opt.lr(0), opt.lr(1)});
  }
  REQUIRE(seen.size() == expected.values.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    INFO("step " << i / 4 << ", column " << i % 4);
    CHECK(seen[i] == Approx(expected.values[i]).epsilon(1e-14));
  }
  return sched;
}

template <class T>
void check_clip(const char* tag, double max_norm, double norm_type, const kaon_ref::Ref& total,
                const kaon_ref::Ref& g1, const kaon_ref::Ref& g2) {
  INFO(tag);
  auto p1 = kaon::zeros<T>({2, 2}).requires_grad_(), p2 = kaon::zeros<T>({3}).requires_grad_();
  auto unused = kaon::zeros<T>({2}).requires_grad_();
  p1.set_grad(from_ref<T>(api_ref::clip_g1));
  p2.set_grad(from_ref<T>(api_ref::clip_g2));
  const double norm = kaon::nn::utils::clip_grad_norm_({p1, p2, unused}, max_norm, norm_type);
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  REQUIRE(norm == Approx(total.values[0]).epsilon(tol));
  check_matches(p1.grad(), g1, tol);
  check_matches(p2.grad(), g2, tol);
  REQUIRE_FALSE(unused.grad().defined());
}
}  // namespace training_utilities_test

TEST_CASE("Schedulers give PyTorch's learning rates for every group", "[api][optim]") {
  using namespace training_utilities_test;
  check_schedule<optim::MultiStepLR<double>>(api_ref::sched_multistep,
                                             std::vector<std::int64_t>{2, 5, 5, 9}, 0.5);
  check_schedule<optim::LinearLR<double>>(api_ref::sched_linear, 0.25, 1.0, std::int64_t{4});
  check_schedule<optim::LinearLR<double>>(api_ref::sched_linear_down, 1.0, 0.1, std::int64_t{6});
  check_schedule<optim::CosineAnnealingLR<double>>(api_ref::sched_cosine, std::int64_t{4}, 0.01);
  check_schedule<optim::StepLR<double>>(api_ref::sched_step, std::int64_t{3}, 0.5);
  auto p = kaon::zeros<double>({1}).requires_grad_();
  optim::SGD<double> opt({p}, 0.1);
  REQUIRE_THROWS_WITH(optim::LinearLR<double>(opt, 0.0), Catch::Contains("start_factor"));
  REQUIRE_THROWS_WITH(optim::CosineAnnealingLR<double>(opt, 0), Catch::Contains("T_max"));
}

TEST_CASE("OneCycleLR cycles the rate and the momentum (or beta1) as PyTorch's", "[api][optim]") {
  using namespace training_utilities_test;
  auto a = kaon::zeros<double>({1}).requires_grad_(), b = kaon::zeros<double>({1}).requires_grad_();
  const auto momentum = [](double m) { return optim::SGDOptions(0.1).momentum(m); };
  optim::SGD<double> sgd({{{a}, momentum(0.9)}, {{b}, momentum(0.9)}});
  auto sched = check_one_cycle(api_ref::sched_one_cycle_sgd, sgd, 0.5, std::int64_t{12});
  sched.step();  // step total_steps is still allowed (cosine: just above the final rate)
  CHECK_THROWS_WITH(sched.step(), Catch::Contains("OneCycleLR: tried to step 14 times"));
  optim::Adam<double> adam({{{a}, optim::AdamOptions(0.1)}, {{b}, optim::AdamOptions(0.1)}});
  (void)check_one_cycle(api_ref::sched_one_cycle_adam, adam, 0.02, std::int64_t{12}, 0.25,
                        std::string("linear"), true, 0.8, 0.9, 10.0, 100.0, true);
  CHECK(std::get<0>(adam.options().betas()) == adam.momentum(0).value());
  optim::SGD<double> fixed({{{a}, momentum(0.7)}, {{b}, momentum(0.7)}});
  (void)check_one_cycle(api_ref::sched_one_cycle_fixed, fixed, 1.0, std::int64_t{12}, 0.5,
                        std::string("cos"), false);
  optim::Rprop<double> rprop({a}, optim::RpropOptions(0.01));
  CHECK_FALSE(rprop.momentum().has_value());
  CHECK_THROWS_WITH(optim::OneCycleLR<double>(rprop, 0.1, 10),
                    Catch::Contains("cycle_momentum needs an optimiser with momentum"));
  CHECK_THROWS_WITH(rprop.set_momentum(0, 0.9), Catch::Contains("no momentum or beta1"));
  optim::OneCycleLR<double> no_momentum(rprop, 0.1, 10, 0.3, "cos", false);
  CHECK(rprop.lr() == Approx(0.1 / 25));
  CHECK_THROWS_WITH(optim::OneCycleLR<double>(sgd, 0.1, 0), Catch::Contains("total_steps"));
  CHECK_THROWS_WITH(optim::OneCycleLR<double>(sgd, 0.1, 10, 0.3, "exp"),
                    Catch::Contains("anneal_strategy must be \"cos\" or \"linear\""));
  CHECK_THROWS_WITH(optim::OneCycleLR<double>(sgd, 0.1, 10, 0.1),
                    Catch::Contains("OneCycleLR: phase 1 has no length"));
  CHECK_THROWS_WITH(adam.set_momentum(0, 1.0), Catch::Contains("beta1 must be below 1"));
}

TEST_CASE("clip_grad_norm_ and clip_grad_value_ match PyTorch", "[api][nn]") {
  using namespace training_utilities_test;
  const double inf = std::numeric_limits<double>::infinity();
  // clang-format off
  check_clip<double>("l2", 2.0, 2.0, api_ref::clip_l2_f64_total, api_ref::clip_l2_f64_g1, api_ref::clip_l2_f64_g2);
  check_clip<float>("l2", 2.0, 2.0, api_ref::clip_l2_f32_total, api_ref::clip_l2_f32_g1, api_ref::clip_l2_f32_g2);
  check_clip<double>("l1", 5.0, 1.0, api_ref::clip_l1_f64_total, api_ref::clip_l1_f64_g1, api_ref::clip_l1_f64_g2);
  check_clip<float>("l1", 5.0, 1.0, api_ref::clip_l1_f32_total, api_ref::clip_l1_f32_g1, api_ref::clip_l1_f32_g2);
  check_clip<double>("inf", 1.5, inf, api_ref::clip_inf_f64_total, api_ref::clip_inf_f64_g1, api_ref::clip_inf_f64_g2);
  check_clip<float>("inf", 1.5, inf, api_ref::clip_inf_f32_total, api_ref::clip_inf_f32_g1, api_ref::clip_inf_f32_g2);
  check_clip<double>("below max_norm", 100.0, 2.0, api_ref::clip_l2_big_f64_total, api_ref::clip_l2_big_f64_g1, api_ref::clip_l2_big_f64_g2);
  // clang-format on
  auto p = kaon::zeros<double>({2, 2}).requires_grad_();
  p.set_grad(from_ref<double>(api_ref::clip_g1));
  kaon::nn::utils::clip_grad_value_({p}, 1.25);
  check_matches(p.grad(), api_ref::clip_value_g1);
  p.set_grad(kaon::full<double>({2, 2}, std::numeric_limits<double>::quiet_NaN()));
  REQUIRE_THROWS_WITH(kaon::nn::utils::clip_grad_norm_({p}, 1.0, 2.0, true),
                      Catch::Contains("clip_grad_norm_: the total norm of order 2"));
}
