// SPDX-License-Identifier: MIT
// Optimisers: 100-step trajectories against PyTorch's, option checks, state_dict resume, zero_grad.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <kaon/kaon.hpp>
#include <memory>
#include <string>
#include <vector>

#include "reference/nn_reference.hpp"
#include "support/compare.hpp"

namespace nn = kaon::nn;
namespace optim = kaon::optim;
namespace nn_ref = kaon_ref::nn;
using Catch::Matchers::Contains;
using kaon::Tensor;
using kaon_ref::Ref;
using kaon_test::from_ref;

namespace {

template <class T>
using Model = nn::Sequential<T>;
template <class T>
using OptimizerPtr = std::unique_ptr<optim::Optimizer<T>>;
template <class T>
using MakeOptimizer = std::function<OptimizerPtr<T>(std::vector<Tensor<T>>)>;

// The script's Linear(3, 4) -> Tanh -> Linear(4, 2) with its rounded initial values.
template <class T>
Model<T> fresh_model() {
  Model<T> model(nn::Linear<T>(3, 4), nn::Tanh<T>(), nn::Linear<T>(4, 2));
  model.load_state_dict({{"0.weight", from_ref<T>(nn_ref::opt_w1)},
                         {"0.bias", from_ref<T>(nn_ref::opt_b1)},
                         {"2.weight", from_ref<T>(nn_ref::opt_w2)},
                         {"2.bias", from_ref<T>(nn_ref::opt_b2)}});
  return model;
}

// The parameters flattened in order [w1, b1, w2, b2], as the script's flat_params.
template <class T>
std::vector<T> flat_params(const Model<T>& model) {
  std::vector<T> out;
  for (const auto& p : model.parameters()) {
    const auto v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// One training step as the script's: zero_grad, mse_loss, backward, step; returns the loss.
template <class T>
T train_step(Model<T>& model, optim::Optimizer<T>& opt) {
  opt.zero_grad();
  const auto loss =
      nn::functional::mse_loss(model(from_ref<T>(nn_ref::opt_x)), from_ref<T>(nn_ref::opt_y));
  loss.backward();
  opt.step();
  return loss.item();
}

// The largest |got - expected| / max(|expected|, 1) over the elements, with its index.
struct Error {
  double value = 0;
  std::size_t index = 0;
};
template <class T>
Error scaled_error(const std::vector<T>& got, const Ref& expected) {
  REQUIRE(got.size() == expected.values.size());
  Error worst;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double e = expected.values[i];
    const double err = std::fabs(static_cast<double>(got[i]) - e) / std::max(std::fabs(e), 1.0);
    if (err > worst.value) worst = {err, i};
  }
  return worst;
}

// Tolerances of the trajectory comparisons, on |got - expected| / max(|expected|, 1).
//
// Every update is PyTorch 1.13's single-tensor formula with the operations in the same order
// (addcdiv as p + (value t1) / t2, addcmul as s + (value t1) t2), so a step differs from PyTorch's
// only in rounding: the gradient comes through kaon's matmul and reductions, whose summation
// order is not MKL's, and that is an ulp or two. Measured with GCC 12, -O3, x86-64 (compile with
// -DKAON_PRINT_ERRORS to print the errors):
//  - SGD (4 configs), Adam, AdamW (2 each), Adagrad (2), RMSprop: at most 2.2e-16 after 1, 2
//    and 10 steps and 8.3e-16 after 100 (a few ulp). PyTorch's own trajectory moves by up to
//    1.6e-15 at step 100 when one initial weight is changed by one ulp, so this is the rounding
//    floor. kUlpTol = 1e-14 allows ten times that (another compiler contracting a multiply-add
//    into an FMA), while a formula difference (bias correction, where eps or the decay goes)
//    shows orders of magnitude above it.
//  - RMSprop centered with momentum and weight decay (rmsprop_opts): 2.2e-16 through step 10,
//    then 4.5e-12 at step 100 and 2.8e-12 on the step-100 loss. Not a formula difference: the
//    centered denominator sqrt(square_avg - grad_avg^2) cancels as the gradients settle, and
//    PyTorch's own run moves by 4.5e-12 at step 100 (7.5e-14 at step 50) when one initial
//    weight changes by one ulp (checked by running the script's loop with opt_w1[0, 0]
//    moved by nextafter). kRmspropCenteredTol = 1e-10 is twenty times the measured amplification.
//  - Rprop (2 configs): bit-exact, since only the gradient's sign moves the parameters and
//    the step sizes are the same products in the same order; kExact = 0. The loss, computed
//    from those parameters through kaon's forward, still differs by rounding (1.6e-15
//    relative), so losses use at least kUlpTol.
constexpr double kUlpTol = 1e-14;
constexpr double kRmspropCenteredTol = 1e-10;
constexpr double kExact = 0;
// Adam in float32: 2.8e-7 measured after 100 steps (about 2 ulp of float at |p| ~ 1.3; PyTorch's
// own float32 and float64 runs differ by 3.8e-7). 2e-6 is about 16 float ulp at 1.
constexpr double kFloatTrajectoryTol = 2e-6;

struct TrajectoryCase {
  const char* name;
  MakeOptimizer<double> make;
  const Ref& step1;
  const Ref& step2;
  const Ref& step10;
  const Ref& step100;
  const Ref& loss100;
  double tol;  // see kUlpTol, kRmspropCenteredTol, kExact
};

template <class O, class Options>
MakeOptimizer<double> maker(Options options) {
  return [options](std::vector<Tensor<double>> params) -> OptimizerPtr<double> {
    return std::make_unique<O>(std::move(params), options);
  };
}

optim::AdamWOptions adamw_options(double lr, double weight_decay, bool amsgrad) {
  return optim::AdamWOptions(lr).weight_decay(weight_decay).amsgrad(amsgrad);
}

std::vector<TrajectoryCase> trajectory_cases() {
  using namespace optim;
  return {
      {"sgd", maker<SGD<double>>(SGDOptions(0.1)), nn_ref::opt_sgd_1, nn_ref::opt_sgd_2,
       nn_ref::opt_sgd_10, nn_ref::opt_sgd_100, nn_ref::opt_sgd_loss100, kUlpTol},
      {"sgd_momentum", maker<SGD<double>>(SGDOptions(0.05).momentum(0.9)),
       nn_ref::opt_sgd_momentum_1, nn_ref::opt_sgd_momentum_2, nn_ref::opt_sgd_momentum_10,
       nn_ref::opt_sgd_momentum_100, nn_ref::opt_sgd_momentum_loss100, kUlpTol},
      {"sgd_dampening", maker<SGD<double>>(SGDOptions(0.05).momentum(0.9).dampening(0.5)),
       nn_ref::opt_sgd_dampening_1, nn_ref::opt_sgd_dampening_2, nn_ref::opt_sgd_dampening_10,
       nn_ref::opt_sgd_dampening_100, nn_ref::opt_sgd_dampening_loss100, kUlpTol},
      {"sgd_nesterov_wd",
       maker<SGD<double>>(SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01)),
       nn_ref::opt_sgd_nesterov_wd_1, nn_ref::opt_sgd_nesterov_wd_2, nn_ref::opt_sgd_nesterov_wd_10,
       nn_ref::opt_sgd_nesterov_wd_100, nn_ref::opt_sgd_nesterov_wd_loss100, kUlpTol},
      {"adam", maker<Adam<double>>(AdamOptions(0.01)), nn_ref::opt_adam_1, nn_ref::opt_adam_2,
       nn_ref::opt_adam_10, nn_ref::opt_adam_100, nn_ref::opt_adam_loss100, kUlpTol},
      {"adam_opts",
       maker<Adam<double>>(
           AdamOptions(0.01).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1).amsgrad(true)),
       nn_ref::opt_adam_opts_1, nn_ref::opt_adam_opts_2, nn_ref::opt_adam_opts_10,
       nn_ref::opt_adam_opts_100, nn_ref::opt_adam_opts_loss100, kUlpTol},
      {"adamw", maker<AdamW<double>>(adamw_options(0.01, 0.05, false)), nn_ref::opt_adamw_1,
       nn_ref::opt_adamw_2, nn_ref::opt_adamw_10, nn_ref::opt_adamw_100, nn_ref::opt_adamw_loss100,
       kUlpTol},
      // AdamW's default weight decay is 0.01, so this run decays too.
      {"adamw_amsgrad", maker<AdamW<double>>(adamw_options(0.02, 0.01, true)),
       nn_ref::opt_adamw_amsgrad_1, nn_ref::opt_adamw_amsgrad_2, nn_ref::opt_adamw_amsgrad_10,
       nn_ref::opt_adamw_amsgrad_100, nn_ref::opt_adamw_amsgrad_loss100, kUlpTol},
      {"adagrad", maker<Adagrad<double>>(AdagradOptions(0.1)), nn_ref::opt_adagrad_1,
       nn_ref::opt_adagrad_2, nn_ref::opt_adagrad_10, nn_ref::opt_adagrad_100,
       nn_ref::opt_adagrad_loss100, kUlpTol},
      {"adagrad_opts",
       maker<Adagrad<double>>(
           AdagradOptions(0.1).lr_decay(0.01).weight_decay(0.01).initial_accumulator_value(0.1).eps(
               1e-8)),
       nn_ref::opt_adagrad_opts_1, nn_ref::opt_adagrad_opts_2, nn_ref::opt_adagrad_opts_10,
       nn_ref::opt_adagrad_opts_100, nn_ref::opt_adagrad_opts_loss100, kUlpTol},
      {"rmsprop", maker<RMSprop<double>>(RMSpropOptions(0.01)), nn_ref::opt_rmsprop_1,
       nn_ref::opt_rmsprop_2, nn_ref::opt_rmsprop_10, nn_ref::opt_rmsprop_100,
       nn_ref::opt_rmsprop_loss100, kUlpTol},
      {"rmsprop_opts",
       maker<RMSprop<double>>(
           RMSpropOptions(0.01).alpha(0.9).eps(1e-6).weight_decay(0.01).momentum(0.5).centered(
               true)),
       nn_ref::opt_rmsprop_opts_1, nn_ref::opt_rmsprop_opts_2, nn_ref::opt_rmsprop_opts_10,
       nn_ref::opt_rmsprop_opts_100, nn_ref::opt_rmsprop_opts_loss100, kRmspropCenteredTol},
      {"rprop", maker<Rprop<double>>(RpropOptions(0.01)), nn_ref::opt_rprop_1, nn_ref::opt_rprop_2,
       nn_ref::opt_rprop_10, nn_ref::opt_rprop_100, nn_ref::opt_rprop_loss100, kExact},
      {"rprop_opts",
       maker<Rprop<double>>(RpropOptions(0.05).etas({0.4, 1.3}).step_sizes({1e-5, 1.0})),
       nn_ref::opt_rprop_opts_1, nn_ref::opt_rprop_opts_2, nn_ref::opt_rprop_opts_10,
       nn_ref::opt_rprop_opts_100, nn_ref::opt_rprop_opts_loss100, kExact},
  };
}

}  // namespace

TEST_CASE("Optimisers follow PyTorch's trajectories over 100 steps in double", "[optim]") {
  for (const auto& c : trajectory_cases()) {
    INFO("optimiser " << c.name);
    auto model = fresh_model<double>();
    auto opt = c.make(model.parameters());
    std::vector<double> losses;
    for (int step = 1; step <= 100; ++step) {
      losses.push_back(train_step(model, *opt));
      const Ref* expected = step == 1     ? &c.step1
                            : step == 2   ? &c.step2
                            : step == 10  ? &c.step10
                            : step == 100 ? &c.step100
                                          : nullptr;
      if (expected == nullptr) continue;
      const auto err = scaled_error(flat_params(model), *expected);
      INFO("after step " << step << ": worst element " << err.index << ", error " << err.value);
#ifdef KAON_PRINT_ERRORS
      WARN(c.name << " step " << step << " err " << err.value << " at " << err.index);
#endif
      CHECK(err.value <= c.tol);
    }
    CHECK(std::fabs(losses[0] - nn_ref::opt_loss0.values[0]) <= 1e-15);
    const double e100 = c.loss100.values[0];
    INFO("loss at step 100: got " << losses[99] << ", expected " << e100);
#ifdef KAON_PRINT_ERRORS
    WARN(c.name << " loss100 rel err " << std::fabs(losses[99] - e100) / e100);
#endif
    CHECK(std::fabs(losses[99] - e100) <= std::max(c.tol, kUlpTol) * e100);
  }
}

TEST_CASE("Adam follows PyTorch's float32 trajectory over 100 steps", "[optim]") {
  auto model = fresh_model<float>();
  optim::Adam<float> opt(model.parameters(), optim::AdamOptions(0.01));
  for (int step = 1; step <= 100; ++step) train_step(model, opt);
  const auto err = scaled_error(flat_params(model), nn_ref::opt_adam_f32_100);
  INFO("worst element " << err.index << ", error " << err.value);
#ifdef KAON_PRINT_ERRORS
  WARN("adam f32 err " << err.value << " at " << err.index);
#endif
  CHECK(err.value <= kFloatTrajectoryTol);
}

TEST_CASE("Optimiser options are validated with the bad value in the message", "[optim]") {
  using namespace optim;
  auto model = fresh_model<double>();
  const auto params = model.parameters();
  const auto bad = [&](auto make, const std::string& text) {
    INFO("expected a ValueError mentioning " << text);
    REQUIRE_THROWS_AS(make(), kaon::ValueError);
    REQUIRE_THROWS_WITH(make(), Contains(text));
  };
  bad([&] { return SGD<double>(params, -0.5); }, "-0.5");
  bad([&] { return SGD<double>(params, SGDOptions(0.1).momentum(-0.25)); }, "-0.25");
  bad([&] { return SGD<double>(params, SGDOptions(0.1).weight_decay(-0.125)); }, "-0.125");
  bad([&] { return SGD<double>(params, SGDOptions(0.1).nesterov(true)); }, "Nesterov");
  bad(
      [&] {
        return SGD<double>(params, SGDOptions(0.1).momentum(0.9).dampening(0.5).nesterov(true));
      },
      "Nesterov");
  bad([&] { return Adam<double>(params, -0.75); }, "-0.75");
  bad([&] { return Adam<double>(params, AdamOptions(0.01).betas({1.0, 0.999})); }, "1");
  bad([&] { return Adam<double>(params, AdamOptions(0.01).betas({-0.5, 0.999})); }, "-0.5");
  bad([&] { return Adam<double>(params, AdamOptions(0.01).betas({0.9, 1.5})); }, "1.5");
  bad([&] { return Adam<double>(params, AdamOptions(0.01).eps(-0.25)); }, "-0.25");
  bad([&] { return Adam<double>(params, AdamOptions(0.01).weight_decay(-0.125)); }, "-0.125");
  bad([&] { return AdamW<double>(params, AdamWOptions(-0.375)); }, "-0.375");
  bad([&] { return AdamW<double>(params, adamw_options(0.01, -0.625, false)); }, "-0.625");
  bad([&] { return Adagrad<double>(params, -2.5); }, "-2.5");
  bad([&] { return Adagrad<double>(params, AdagradOptions(0.1).lr_decay(-0.5)); }, "-0.5");
  bad([&] { return Adagrad<double>(params, AdagradOptions(0.1).weight_decay(-0.25)); }, "-0.25");
  bad([&] { return Adagrad<double>(params, AdagradOptions(0.1).initial_accumulator_value(-3)); },
      "-3");
  bad([&] { return Adagrad<double>(params, AdagradOptions(0.1).eps(-0.125)); }, "-0.125");
  bad([&] { return RMSprop<double>(params, -1.5); }, "-1.5");
  bad([&] { return RMSprop<double>(params, RMSpropOptions(0.01).alpha(-0.5)); }, "-0.5");
  bad([&] { return RMSprop<double>(params, RMSpropOptions(0.01).eps(-0.25)); }, "-0.25");
  bad([&] { return RMSprop<double>(params, RMSpropOptions(0.01).momentum(-0.125)); }, "-0.125");
  bad([&] { return RMSprop<double>(params, RMSpropOptions(0.01).weight_decay(-4)); }, "-4");
  bad([&] { return Rprop<double>(params, -0.5); }, "-0.5");
  bad([&] { return Rprop<double>(params, RpropOptions(0.01).etas({1.2, 0.5})); }, "1.2, 0.5");
  bad([&] { return Rprop<double>(params, RpropOptions(0.01).etas({0.5, 0.75})); }, "0.5, 0.75");
  bad([&] { return Rprop<double>(params, RpropOptions(0.01).etas({-0.25, 1.2})); }, "-0.25");
  bad([&] { return Rprop<double>(params, RpropOptions(0.01).step_sizes({2, 1})); }, "2, 1");
  bad([&] { return SGD<double>({}, 0.1); }, "empty");
  const auto non_leaf = params[0] * 2.0;
  bad([&] { return SGD<double>({non_leaf}, 0.1); }, "leaf");

  SGD<double> sgd(params, 0.1);
  REQUIRE_THROWS_AS(sgd.set_lr(-0.5), kaon::ValueError);
  REQUIRE_THROWS_WITH(sgd.set_lr(-0.5), Contains("-0.5"));
  sgd.set_lr(0.25);
  CHECK(sgd.lr() == 0.25);
  // Options at their limits are accepted.
  CHECK_NOTHROW(SGD<double>(params, SGDOptions(0).momentum(0.9).nesterov(true)));
  CHECK_NOTHROW(Adam<double>(params, AdamOptions(0.01).betas({0, 0}).eps(0)));
  CHECK_NOTHROW(Rprop<double>(params, RpropOptions(0.01).step_sizes({0, 0})));
}

namespace {

// Trains `steps` steps of the trajectory problem.
template <class T>
void train(Model<T>& model, optim::Optimizer<T>& opt, int steps) {
  for (int i = 0; i < steps; ++i) train_step(model, opt);
}

// A deep copy of a module's state (state_dict() shares storage with the module).
kaon::io::NamedTensors<double> snapshot(const Model<double>& model) {
  auto state = model.state_dict();
  for (auto& [name, t] : state) t = t.detach().clone();
  return state;
}

}  // namespace

TEST_CASE("An optimiser restored from its state_dict continues bit for bit", "[optim]") {
  using namespace optim;
  const std::vector<std::pair<const char*, MakeOptimizer<double>>> cases = {
      {"Adam", maker<Adam<double>>(AdamOptions(0.01).amsgrad(true))},
      {"SGD with momentum", maker<SGD<double>>(SGDOptions(0.05).momentum(0.9).dampening(0.1))},
      {"Rprop", maker<Rprop<double>>(RpropOptions(0.01))},
      {"RMSprop centered with momentum",
       maker<RMSprop<double>>(RMSpropOptions(0.01).centered(true).momentum(0.5))},
      {"Adagrad", maker<Adagrad<double>>(AdagradOptions(0.1).lr_decay(0.01))},
  };
  for (const auto& [name, make] : cases) {
    INFO("optimiser " << name);
    auto model = fresh_model<double>();
    auto opt = make(model.parameters());
    train(model, *opt, 5);
    opt->set_lr(opt->lr() * 0.5);  // the learning rate is part of the state
    const auto model_state = snapshot(model);
    const auto opt_state = opt->state_dict();
    train(model, *opt, 5);
    const auto a = flat_params(model);

    kaon::manual_seed(99);
    Model<double> restored(nn::Linear<double>(3, 4), nn::Tanh<double>(), nn::Linear<double>(4, 2));
    restored.load_state_dict(model_state);
    auto restored_opt = make(restored.parameters());
    restored_opt->load_state_dict(opt_state);
    CHECK(restored_opt->lr() == opt->lr());
    train(restored, *restored_opt, 5);
    CHECK(flat_params(restored) == a);

    // Without the optimiser's state the run differs, so the check above is not vacuous.
    Model<double> no_state(nn::Linear<double>(3, 4), nn::Tanh<double>(), nn::Linear<double>(4, 2));
    no_state.load_state_dict(model_state);
    auto no_state_opt = make(no_state.parameters());
    no_state_opt->set_lr(opt->lr());
    train(no_state, *no_state_opt, 5);
    CHECK(flat_params(no_state) != a);
  }
}

TEST_CASE("An optimiser's state_dict names its state per parameter and holds copies", "[optim]") {
  auto model = fresh_model<double>();
  optim::Adam<double> opt(model.parameters(), 0.01);
  auto state = opt.state_dict();
  REQUIRE(state.size() == 1);  // state is created on the first step, as PyTorch's
  CHECK(state[0].first == "lr");
  train(model, opt, 1);
  state = opt.state_dict();
  std::vector<std::string> keys;
  for (const auto& [k, t] : state) keys.push_back(k);
  CHECK(std::count(keys.begin(), keys.end(), "state.0.exp_avg") == 1);
  CHECK(std::count(keys.begin(), keys.end(), "state.3.exp_avg_sq") == 1);
  CHECK(std::count(keys.begin(), keys.end(), "state.2.step") == 1);
  CHECK(std::count(keys.begin(), keys.end(), "lr") == 1);
  // Saved tensors are copies: training on does not change them.
  const auto saved = state[0].second.to_vector();
  train(model, opt, 1);
  CHECK(state[0].second.to_vector() == saved);

  auto other = fresh_model<double>();
  optim::Adam<double> small(other.parameters(), 0.01);
  auto wrong = state;
  wrong.emplace_back("state.7.exp_avg", kaon::zeros<double>({2}));
  REQUIRE_THROWS_AS(small.load_state_dict(wrong), kaon::ValueError);
  REQUIRE_THROWS_AS(small.load_state_dict({{"momentum", kaon::zeros<double>({})}}),
                    kaon::ValueError);
  REQUIRE_THROWS_AS(small.load_state_dict({}), kaon::ValueError);  // no "lr"
}

TEST_CASE("Optimiser zero_grad zeroes gradients in place or clears them", "[optim]") {
  auto model = fresh_model<double>();
  optim::SGD<double> opt(model.parameters(), 0.1);
  opt.zero_grad();  // before any backward: nothing to clear
  for (const auto& p : model.parameters()) CHECK_FALSE(p.grad().defined());
  nn::functional::mse_loss(model(from_ref<double>(nn_ref::opt_x)), from_ref<double>(nn_ref::opt_y))
      .backward();
  std::vector<Tensor<double>> before;
  for (const auto& p : model.parameters()) {
    REQUIRE(p.grad().defined());
    REQUIRE(p.grad().abs().sum().item() > 0);
    before.push_back(p.grad());
  }
  opt.zero_grad();
  for (std::size_t i = 0; i < before.size(); ++i) {
    const auto g = model.parameters()[i].grad();
    CHECK(g.is_alias_of(before[i]));
    CHECK(g.abs().sum().item() == 0);
  }
  opt.zero_grad(true);
  for (const auto& p : model.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("Parameters without a gradient are left alone, even with weight decay", "[optim]") {
  using namespace optim;
  const std::vector<std::pair<const char*, MakeOptimizer<double>>> cases = {
      {"SGD", maker<SGD<double>>(SGDOptions(0.1).momentum(0.9).weight_decay(0.1))},
      {"Adam", maker<Adam<double>>(AdamOptions(0.1).weight_decay(0.1))},
      {"AdamW", maker<AdamW<double>>(AdamWOptions(0.1))},
      {"Adagrad", maker<Adagrad<double>>(AdagradOptions(0.1).weight_decay(0.1))},
      {"RMSprop", maker<RMSprop<double>>(RMSpropOptions(0.1).weight_decay(0.1).momentum(0.5))},
      {"Rprop", maker<Rprop<double>>(RpropOptions(0.1))},
  };
  for (const auto& [name, make] : cases) {
    INFO("optimiser " << name);
    auto used = kaon::tensor<double>({1.0, -2.0}).requires_grad_();
    auto unused = kaon::tensor<double>({3.0, 4.0}).requires_grad_();
    auto opt = make({used, unused});
    for (int i = 0; i < 3; ++i) {
      opt->zero_grad();
      (used * used).sum().backward();
      opt->step();
    }
    CHECK_FALSE(unused.grad().defined());
    CHECK(unused.to_vector() == std::vector<double>{3.0, 4.0});
    CHECK(used.to_vector() != std::vector<double>{1.0, -2.0});
    for (const auto& [key, t] : opt->state_dict()) {
      if (std::string(name) != "Adagrad") CHECK(key.rfind("state.1.", 0) != 0);  // no state made
    }
  }
}
