// SPDX-License-Identifier: MIT
// Optimiser options as LibTorch's (getters and braced setters), opt.options(), learning-rate
// checks, and parameter groups: two groups step as two separate optimisers, and schedulers
// update every group.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <kaon/kaon.hpp>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace optim = kaon::optim;
using Catch::Matchers::Contains;
using kaon::Tensor;

namespace options_test {

using Pair = std::tuple<double, double>;

// Linear(3, 4) -> Tanh -> Linear(4, 2), seeded, so two calls give the same start.
kaon::nn::Sequential<double> seeded_model() {
  kaon::manual_seed(3);
  return kaon::nn::Sequential<double>(kaon::nn::Linear<double>(3, 4), kaon::nn::Tanh<double>(),
                                      kaon::nn::Linear<double>(4, 2));
}

// `steps` full-batch MSE steps on seeded data; each optimiser in `opts` steps after backward.
void fit(kaon::nn::Sequential<double>& model, const std::vector<optim::Optimizer<double>*>& opts,
         int steps) {
  kaon::manual_seed(11);
  const auto x = kaon::randn<double>({16, 3}), y = kaon::randn<double>({16, 2});
  for (int i = 0; i < steps; ++i) {
    for (auto* opt : opts) opt->zero_grad();
    kaon::nn::functional::mse_loss(model(x), y).backward();
    for (auto* opt : opts) opt->step();
  }
}

std::vector<double> flat(const kaon::nn::Sequential<double>& model) {
  std::vector<double> out;
  for (const auto& p : model.parameters()) {
    const auto v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// Trains one model with one optimiser over two groups (the first layer with options a, the
// second with b) and another with two optimisers, one per layer, and checks that they agree bit
// for bit; then checks that the groups' options mattered: one group with a for every parameter
// ends elsewhere.
template <class O, class Options>
void check_groups_match_separate_optimisers(const Options& a, const Options& b) {
  auto grouped = seeded_model();
  const auto p = grouped.parameters();
  O opt({{{p[0], p[1]}, a}, {{p[2], p[3]}, b}});
  REQUIRE(opt.num_param_groups() == 2);
  CHECK(opt.param_groups()[0].options().lr() == a.lr());
  CHECK(opt.param_groups()[1].options().lr() == b.lr());
  CHECK(opt.param_groups()[1].params().size() == 2);
  CHECK(opt.lr(1) == b.lr());
  fit(grouped, {&opt}, 10);

  auto separate = seeded_model();
  const auto q = separate.parameters();
  O first({q[0], q[1]}, a), second({q[2], q[3]}, b);
  fit(separate, {&first, &second}, 10);
  CHECK(flat(grouped) == flat(separate));

  auto one_group = seeded_model();
  O all(one_group.parameters(), a);
  fit(one_group, {&all}, 10);
  CHECK(flat(one_group) != flat(grouped));
}

}  // namespace options_test

TEST_CASE("Optimiser options have LibTorch's chainable setters and getters of the same name",
          "[optim]") {
  using options_test::Pair;
  const auto adam =
      optim::AdamOptions(1e-3).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.01).amsgrad(true);
  static_assert(std::is_same_v<decltype(adam.betas()), std::tuple<double, double>>);
  CHECK(adam.lr() == 1e-3);
  CHECK(adam.betas() == Pair{0.8, 0.99});
  CHECK(adam.eps() == 1e-6);
  CHECK(adam.weight_decay() == 0.01);
  CHECK(adam.amsgrad());
  CHECK(optim::AdamOptions(0.1).lr(0.25).lr() == 0.25);
  // PyTorch's defaults; AdamW's weight decay is 0.01.
  const optim::AdamOptions adam_defaults;
  CHECK(adam_defaults.lr() == 1e-3);
  CHECK(adam_defaults.betas() == Pair{0.9, 0.999});
  CHECK(adam_defaults.eps() == 1e-8);
  CHECK(adam_defaults.weight_decay() == 0);
  CHECK_FALSE(adam_defaults.amsgrad());
  CHECK(optim::AdamWOptions().weight_decay() == 0.01);
  CHECK(optim::AdamWOptions(0.5).betas({0.5, 0.75}).weight_decay(0.25).betas() == Pair{0.5, 0.75});

  const auto sgd = optim::SGDOptions(0.1).momentum(0.9).nesterov(true);
  CHECK(sgd.lr() == 0.1);
  CHECK(sgd.momentum() == 0.9);
  CHECK(sgd.dampening() == 0);
  CHECK(sgd.weight_decay() == 0);
  CHECK(sgd.nesterov());

  const auto rprop = optim::RpropOptions(0.01).etas({0.4, 1.3}).step_sizes({1e-6, 50});
  CHECK(rprop.lr() == 0.01);
  CHECK(rprop.etas() == Pair{0.4, 1.3});
  CHECK(rprop.step_sizes() == Pair{1e-6, 50});
  CHECK(optim::RpropOptions().etas() == Pair{0.5, 1.2});
  CHECK(optim::RpropOptions().step_sizes() == Pair{1e-6, 50});

  const auto adagrad = optim::AdagradOptions(0.1)
                           .lr_decay(0.01)
                           .weight_decay(0.02)
                           .initial_accumulator_value(0.5)
                           .eps(1e-8);
  CHECK(adagrad.lr() == 0.1);
  CHECK(adagrad.lr_decay() == 0.01);
  CHECK(adagrad.weight_decay() == 0.02);
  CHECK(adagrad.initial_accumulator_value() == 0.5);
  CHECK(adagrad.eps() == 1e-8);

  const auto rmsprop =
      optim::RMSpropOptions(0.01).alpha(0.9).eps(1e-6).weight_decay(0.1).momentum(0.5).centered(
          true);
  CHECK(rmsprop.lr() == 0.01);
  CHECK(rmsprop.alpha() == 0.9);
  CHECK(rmsprop.eps() == 1e-6);
  CHECK(rmsprop.weight_decay() == 0.1);
  CHECK(rmsprop.momentum() == 0.5);
  CHECK(rmsprop.centered());

  const auto plateau = optim::ReduceLROnPlateauOptions().factor(0.5).patience(2).min_lr(1e-4);
  CHECK(plateau.factor() == 0.5);
  CHECK(plateau.patience() == 2);
  CHECK(plateau.min_lr() == 1e-4);
  CHECK_FALSE(plateau.mode_max());
}

TEST_CASE("An optimiser's options() are its options, read-only and following set_lr", "[optim]") {
  auto model = options_test::seeded_model();
  optim::Adam<double> adam(model.parameters(), optim::AdamOptions(0.01).betas({0.8, 0.99}));
  static_assert(std::is_const_v<std::remove_reference_t<decltype(adam.options())>>);
  CHECK(adam.options().lr() == 0.01);
  CHECK(adam.options().betas() == options_test::Pair{0.8, 0.99});
  REQUIRE(adam.num_param_groups() == 1);
  CHECK(adam.param_groups()[0].params().size() == 4);
  adam.set_lr(0.005);
  CHECK(adam.options().lr() == 0.005);
  CHECK(adam.lr() == 0.005);

  optim::Rprop<double> rprop(model.parameters(), optim::RpropOptions(0.02).etas({0.25, 1.5}));
  CHECK(rprop.options().lr() == 0.02);
  CHECK(rprop.options().etas() == options_test::Pair{0.25, 1.5});
  optim::SGD<double> sgd(model.parameters(), 0.1);
  CHECK(sgd.options().lr() == 0.1);
  CHECK(sgd.options().momentum() == 0);
}

TEST_CASE("Optimisers refuse a negative or NaN learning rate, in any group", "[optim]") {
  auto model = options_test::seeded_model();
  const auto p = model.parameters();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto bad = [](auto make) {
    REQUIRE_THROWS_AS(make(), kaon::ValueError);
    REQUIRE_THROWS_WITH(make(), Contains("invalid learning rate"));
  };
  bad([&] { return optim::SGD<double>(p, nan); });
  bad([&] { return optim::Adam<double>(p, optim::AdamOptions(nan)); });
  bad([&] { return optim::AdamW<double>(p, optim::AdamWOptions(-1e-3)); });
  bad([&] { return optim::Adagrad<double>(p, nan); });
  bad([&] { return optim::RMSprop<double>(p, nan); });
  bad([&] { return optim::Rprop<double>(p, optim::RpropOptions(nan)); });
  bad([&] {
    return optim::Adam<double>(
        {{{p[0], p[1]}, optim::AdamOptions(0.01)}, {{p[2], p[3]}, optim::AdamOptions(-0.5)}});
  });
  bad([&] {
    return optim::SGD<double>(
        {{{p[0], p[1]}, optim::SGDOptions(0.1)}, {{p[2], p[3]}, optim::SGDOptions(nan)}});
  });
  // Other options are checked in every group too.
  REQUIRE_THROWS_WITH(
      optim::Adam<double>({{{p[0], p[1]}, optim::AdamOptions(0.01)},
                           {{p[2], p[3]}, optim::AdamOptions(0.01).betas({0.9, 1.5})}}),
      Contains("1.5"));
  REQUIRE_THROWS_WITH(optim::Rprop<double>({{{p[0]}, optim::RpropOptions(0.01)},
                                            {{p[1]}, optim::RpropOptions().etas({0.5, 0.75})}}),
                      Contains("0.5, 0.75"));

  optim::Adam<double> opt(
      {{{p[0], p[1]}, optim::AdamOptions(0.01)}, {{p[2], p[3]}, optim::AdamOptions(0.02)}});
  REQUIRE_THROWS_AS(opt.set_lr(nan), kaon::ValueError);
  REQUIRE_THROWS_AS(opt.set_lr(1, -0.5), kaon::ValueError);
  REQUIRE_THROWS_WITH(opt.set_lr(2, 0.5), Contains("no parameter group 2"));
  REQUIRE_THROWS_AS(opt.lr(2), kaon::ValueError);
  CHECK(opt.lr(0) == 0.01);  // unchanged by the refused calls
  CHECK(opt.lr(1) == 0.02);
  opt.set_lr(1, 0.5);
  CHECK(opt.lr(0) == 0.01);
  CHECK(opt.param_groups()[1].options().lr() == 0.5);
  opt.set_lr(0.25);
  CHECK(opt.lr(0) == 0.25);
  CHECK(opt.lr(1) == 0.25);
}

TEST_CASE("Two parameter groups step as two separate optimisers with the groups' options",
          "[optim]") {
  using namespace optim;
  SECTION("SGD") {
    options_test::check_groups_match_separate_optimisers<SGD<double>>(
        SGDOptions(0.1).momentum(0.9), SGDOptions(0.02).momentum(0.5).nesterov(true));
  }
  SECTION("Adam") {
    options_test::check_groups_match_separate_optimisers<Adam<double>>(
        AdamOptions(0.01), AdamOptions(0.002).betas({0.8, 0.99}).amsgrad(true));
  }
  SECTION("AdamW") {
    options_test::check_groups_match_separate_optimisers<AdamW<double>>(
        AdamWOptions(0.01), AdamWOptions(0.03).weight_decay(0.1));
  }
  SECTION("Adagrad") {
    options_test::check_groups_match_separate_optimisers<Adagrad<double>>(
        AdagradOptions(0.1), AdagradOptions(0.05).initial_accumulator_value(0.1).lr_decay(0.01));
  }
  SECTION("RMSprop") {
    options_test::check_groups_match_separate_optimisers<RMSprop<double>>(
        RMSpropOptions(0.01), RMSpropOptions(0.005).centered(true).momentum(0.5));
  }
  SECTION("Rprop") {
    options_test::check_groups_match_separate_optimisers<Rprop<double>>(
        RpropOptions(0.01), RpropOptions(0.05).etas({0.4, 1.3}));
  }
}

TEST_CASE("Schedulers update every parameter group's learning rate", "[optim]") {
  auto a = kaon::zeros<double>({1}).requires_grad_(), b = kaon::zeros<double>({1}).requires_grad_();
  optim::SGD<double> opt({{{a}, optim::SGDOptions(0.1)}, {{b}, optim::SGDOptions(0.4)}});

  optim::StepLR<double> step_lr(opt, 2, 0.5);
  step_lr.step();
  step_lr.step();
  CHECK(opt.lr(0) == 0.1 * 0.5);
  CHECK(opt.lr(1) == 0.4 * 0.5);
  CHECK(step_lr.get_last_lr() == std::vector<double>{opt.lr(0), opt.lr(1)});

  optim::ExponentialLR<double> exp_lr(opt, 0.5);
  exp_lr.step();
  CHECK(opt.lr(0) == 0.1 * 0.5 * 0.5);
  CHECK(opt.lr(1) == 0.4 * 0.5 * 0.5);

  // Each group is cut on its own and stops at min_lr: 0.025 -> 0.0125 and 0.1 -> 0.05, then
  // 0.0125 is left (at min_lr) while 0.05 -> 0.025.
  optim::ReduceLROnPlateau<double> plateau(
      opt, optim::ReduceLROnPlateauOptions().factor(0.5).patience(0).min_lr(0.0125));
  plateau.step(1.0);
  plateau.step(1.0);
  CHECK(opt.lr(0) == 0.0125);
  CHECK(opt.lr(1) == 0.4 * 0.5 * 0.5 * 0.5);
  plateau.step(1.0);
  CHECK(opt.lr(0) == 0.0125);
  CHECK(opt.lr(1) == 0.4 * 0.5 * 0.5 * 0.5 * 0.5);
}
