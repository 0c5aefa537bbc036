// SPDX-License-Identifier: MIT
// StepLR, ExponentialLR and ReduceLROnPlateau: learning-rate sequences against PyTorch's.
#include <catch2/catch.hpp>
#include <functional>
#include <kaon/kaon.hpp>
#include <vector>

#include "reference/nn_reference.hpp"
#include "support/compare.hpp"

namespace optim = kaon::optim;
namespace nn_ref = kaon_ref::nn;
using kaon::Tensor;

namespace {

// As the script: SGD(lr=0.1) on one parameter; the lr in use at epochs 0..9, read before each
// scheduler step. The optimiser steps without a gradient (a no-op) before the scheduler.
std::vector<double> lr_sequence(
    const std::function<std::function<void(int)>(optim::Optimizer<double>&)>& make_sched) {
  auto param = kaon::zeros<double>({1}).requires_grad_();
  optim::SGD<double> opt({param}, 0.1);
  const auto step = make_sched(opt);
  std::vector<double> lrs;
  for (int epoch = 0; epoch < 10; ++epoch) {
    lrs.push_back(opt.lr());
    opt.step();
    step(epoch);
  }
  CHECK(param.to_vector() == std::vector<double>{0.0});
  return lrs;
}

// The same products in the same order as PyTorch's chainable form (lr * gamma each time), so the
// sequences agree exactly.
void check_exact(const std::vector<double>& got, const kaon_ref::Ref& expected) {
  REQUIRE(got.size() == expected.values.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("epoch " << i);
    CHECK(got[i] == expected.values[i]);
  }
}

}  // namespace

TEST_CASE("StepLR halves the learning rate every 3 epochs as PyTorch's", "[optim]") {
  std::shared_ptr<optim::StepLR<double>> sched;
  check_exact(lr_sequence([&](auto& opt) {
                sched = std::make_shared<optim::StepLR<double>>(opt, 3, 0.5);
                return [&](int) { sched->step(); };
              }),
              nn_ref::sched_steplr);
}

TEST_CASE("ExponentialLR multiplies the learning rate by gamma each epoch as PyTorch's",
          "[optim]") {
  std::shared_ptr<optim::ExponentialLR<double>> sched;
  check_exact(lr_sequence([&](auto& opt) {
                sched = std::make_shared<optim::ExponentialLR<double>>(opt, 0.9);
                return [&](int) { sched->step(); };
              }),
              nn_ref::sched_explr);
}

TEST_CASE("ReduceLROnPlateau halves the learning rate after 2 epochs without improvement",
          "[optim]") {
  const auto& metric = nn_ref::sched_plateau_metric.values;
  std::shared_ptr<optim::ReduceLROnPlateau<double>> sched;
  check_exact(lr_sequence([&](auto& opt) {
                sched = std::make_shared<optim::ReduceLROnPlateau<double>>(
                    opt, optim::ReduceLROnPlateauOptions().factor(0.5).patience(2).threshold(1e-4));
                return [&](int epoch) { sched->step(metric[static_cast<std::size_t>(epoch)]); };
              }),
              nn_ref::sched_plateau);
}

TEST_CASE("Schedulers set the optimiser's learning rate and report it", "[optim]") {
  auto param = kaon::zeros<double>({1}).requires_grad_();
  optim::SGD<double> opt({param}, 0.1);
  optim::StepLR<double> step_lr(opt, 2, 0.5);
  step_lr.step();
  CHECK(step_lr.get_last_lr() == std::vector<double>{0.1});
  step_lr.step();
  CHECK(step_lr.get_last_lr() == std::vector<double>{0.05});
  CHECK(opt.lr() == 0.05);
  optim::ExponentialLR<double> exp_lr(opt, 0.5);  // chains on the current rate
  exp_lr.step();
  CHECK(exp_lr.get_last_lr() == std::vector<double>{0.025});
  CHECK(opt.lr() == 0.025);
}

TEST_CASE("ReduceLROnPlateau honours mode max, cooldown and min_lr", "[optim]") {
  auto param = kaon::zeros<double>({1}).requires_grad_();
  optim::SGD<double> opt({param}, 1.0);
  optim::ReduceLROnPlateau<double> sched(
      opt,
      optim::ReduceLROnPlateauOptions().mode_max(true).factor(0.5).patience(0).cooldown(1).min_lr(
          0.3));
  sched.step(1.0);  // improves on -inf
  CHECK(opt.lr() == 1.0);
  sched.step(0.5);  // worse (mode max), patience 0: cut, then one epoch of cooldown
  CHECK(opt.lr() == 0.5);
  sched.step(0.4);  // in cooldown: no cut
  CHECK(opt.lr() == 0.5);
  sched.step(0.4);  // cut, but not below min_lr
  CHECK(opt.lr() == 0.3);
  sched.step(0.3);
  sched.step(0.2);
  CHECK(opt.lr() == 0.3);
  sched.step(2.0);  // an improvement never raises the rate
  CHECK(opt.lr() == 0.3);

  REQUIRE_THROWS_AS(
      optim::ReduceLROnPlateau<double>(opt, optim::ReduceLROnPlateauOptions().factor(1.0)),
      kaon::ValueError);
  REQUIRE_THROWS_AS(optim::StepLR<double>(opt, 0), kaon::ValueError);
}
