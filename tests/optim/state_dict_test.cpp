// SPDX-License-Identifier: MIT
// Optimiser state_dict: the step count saved as a 0-d tensor, a round trip over two parameter
// groups that continues bit for bit, and load_state_dict refusing every bad entry with a
// ValueError that names it while leaving the optimiser as it was.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace optim = kaon::optim;
using Catch::Matchers::Contains;
using kaon::Tensor;

namespace state_dict_test {

using Model = kaon::nn::Sequential<double>;
using State = kaon::io::NamedTensors<double>;

// Linear(3, 4) -> Tanh -> Linear(4, 2): parameters [4, 3], [4], [2, 4], [2].
Model seeded_model(std::uint64_t seed) {
  kaon::manual_seed(seed);
  return Model(kaon::nn::Linear<double>(3, 4), kaon::nn::Tanh<double>(),
               kaon::nn::Linear<double>(4, 2));
}

// `steps` full-batch MSE steps on seeded data.
void fit(Model& model, optim::Optimizer<double>& opt, int steps) {
  kaon::manual_seed(5);
  const auto x = kaon::randn<double>({16, 3}), y = kaon::randn<double>({16, 2});
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    kaon::nn::functional::mse_loss(model(x), y).backward();
    opt.step();
  }
}

std::vector<double> flat(const Model& model) {
  std::vector<double> out;
  for (const auto& p : model.parameters()) {
    const auto v = p.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// The keys and values of a state, to compare two states exactly.
std::vector<std::pair<std::string, std::vector<double>>> contents(const State& state) {
  std::vector<std::pair<std::string, std::vector<double>>> out;
  for (const auto& [key, t] : state) out.emplace_back(key, t.to_vector());
  return out;
}

// A copy of `state` without `key`, with (key, t) appended.
State with(State state, const std::string& key, const Tensor<double>& t) {
  std::erase_if(state, [&](const auto& entry) { return entry.first == key; });
  state.emplace_back(key, t);
  return state;
}

optim::Adam<double> two_group_adam(const Model& model, double lr0, double lr1) {
  const auto p = model.parameters();
  return optim::Adam<double>({{{p[0], p[1]}, optim::AdamOptions(lr0).amsgrad(true)},
                              {{p[2], p[3]}, optim::AdamOptions(lr1).betas({0.8, 0.99})}});
}

}  // namespace state_dict_test

TEST_CASE("An optimiser's state_dict holds the step count as a 0-d tensor", "[optim]") {
  auto model = state_dict_test::seeded_model(1);
  optim::Adam<double> opt(model.parameters(), 0.01);
  state_dict_test::fit(model, opt, 3);
  bool found = false;
  for (const auto& [key, t] : opt.state_dict()) {
    if (key != "state.1.step") continue;
    found = true;
    CHECK(t.dim() == 0);
    CHECK(t.item() == 3);
  }
  CHECK(found);
}

TEST_CASE("Two parameter groups restored from a state_dict continue bit for bit", "[optim]") {
  using namespace state_dict_test;
  auto model = seeded_model(1);
  auto opt = two_group_adam(model, 0.01, 0.002);
  fit(model, opt, 5);
  opt.set_lr(1, 0.004);  // each group's learning rate is part of the state
  auto model_state = model.state_dict();
  for (auto& [name, t] : model_state) t = t.detach().clone();
  const auto opt_state = opt.state_dict();
  std::vector<std::string> keys;
  for (const auto& [key, t] : opt_state) keys.push_back(key);
  CHECK(std::count(keys.begin(), keys.end(), "lr") == 1);
  CHECK(std::count(keys.begin(), keys.end(), "param_groups.1.lr") == 1);
  CHECK(std::count(keys.begin(), keys.end(), "state.0.max_exp_avg_sq") == 1);
  CHECK(std::count(keys.begin(), keys.end(), "state.3.max_exp_avg_sq") == 0);  // no AMSGrad there
  fit(model, opt, 5);

  auto restored = seeded_model(2);
  restored.load_state_dict(model_state);
  auto restored_opt = two_group_adam(restored, 0.01, 0.002);
  restored_opt.load_state_dict(opt_state);
  CHECK(restored_opt.lr(0) == 0.01);
  CHECK(restored_opt.lr(1) == 0.004);
  fit(restored, restored_opt, 5);
  CHECK(flat(restored) == flat(model));

  // Without the state the run differs, so the check above is not vacuous.
  auto fresh = seeded_model(2);
  fresh.load_state_dict(model_state);
  auto fresh_opt = two_group_adam(fresh, 0.01, 0.004);
  fit(fresh, fresh_opt, 5);
  CHECK(flat(fresh) != flat(model));

  // A two-group state needs both learning rates; a one-group optimiser refuses the second.
  auto missing = opt_state;
  std::erase_if(missing, [](const auto& e) { return e.first == "param_groups.1.lr"; });
  REQUIRE_THROWS_WITH(restored_opt.load_state_dict(missing), Contains("param_groups.1.lr"));
  optim::Adam<double> single(restored.parameters(), optim::AdamOptions(0.01).amsgrad(true));
  REQUIRE_THROWS_WITH(single.load_state_dict(opt_state), Contains("param_groups.1.lr"));
}

TEST_CASE(
    "load_state_dict refuses a bad entry with a ValueError and leaves the optimiser as it was",
    "[optim]") {
  using namespace state_dict_test;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto model = seeded_model(1);
  optim::Adam<double> opt(model.parameters(), optim::AdamOptions(0.01).amsgrad(true));
  fit(model, opt, 3);
  const auto before = opt.state_dict();
  // A good state with other values (two more steps, another lr): were it applied before the
  // bad entry is seen, the optimiser would change.
  auto other_model = seeded_model(1);
  optim::Adam<double> other(other_model.parameters(), optim::AdamOptions(0.01).amsgrad(true));
  fit(other_model, other, 5);
  other.set_lr(0.5);
  const auto good = other.state_dict();
  REQUIRE(contents(good) != contents(before));

  const auto refused = [&](const State& state, const std::vector<std::string>& parts) {
    REQUIRE_THROWS_AS(opt.load_state_dict(state), kaon::ValueError);
    for (const auto& part : parts) {
      INFO("the message should name " << part);
      REQUIRE_THROWS_WITH(opt.load_state_dict(state), Contains(part));
    }
    CHECK(contents(opt.state_dict()) == contents(before));
    CHECK(opt.lr() == 0.01);
  };
  const auto zeros = [](kaon::Shape shape) { return kaon::zeros<double>(shape); };
  SECTION("a parameter index that is not a number") {
    refused(with(good, "state.x.exp_avg", zeros({4, 3})), {"state.x.exp_avg"});
    refused(with(good, "state.-1.exp_avg", zeros({4, 3})), {"state.-1.exp_avg"});
    refused(with(good, "state.+1.exp_avg", zeros({4})), {"state.+1.exp_avg"});
    refused(with(good, "state..exp_avg", zeros({4, 3})), {"state..exp_avg"});
    refused(with(good, "state. 1.exp_avg", zeros({4})), {"state. 1.exp_avg"});
    refused(with(good, "state.99999999999999999999999.exp_avg", zeros({4})),
            {"state.99999999999999999999999.exp_avg"});
  }
  SECTION("a parameter index out of range") {
    refused(with(good, "state.4.exp_avg", zeros({2})), {"state.4.exp_avg", "parameter 4", "4"});
  }
  SECTION("an unknown key") {
    refused(with(good, "state.0.momentum_buffer", zeros({4, 3})),
            {"state.0.momentum_buffer", "exp_avg_sq"});
    refused(with(good, "state.0", zeros({4, 3})), {"state.0"});
    refused(with(good, "momentum", zeros({})), {"momentum"});
    refused(with(good, "param_groups.x.lr", zeros({})), {"param_groups.x.lr"});
    refused(with(good, "param_groups.1.lr", zeros({})), {"param_groups.1.lr"});
  }
  SECTION("a state tensor whose shape differs from its parameter's") {
    refused(with(good, "state.0.exp_avg", zeros({3, 4})), {"state.0.exp_avg", "[3, 4]", "[4, 3]"});
    refused(with(good, "state.3.max_exp_avg_sq", zeros({2, 1})),
            {"state.3.max_exp_avg_sq", "[2, 1]", "[2]"});
    refused(with(good, "state.1.step", zeros({1})), {"state.1.step", "[1]", "[]"});
  }
  SECTION("a step that is not a count") {
    refused(with(good, "state.1.step", kaon::full<double>({}, 2.5)), {"state.1.step", "2.5"});
    refused(with(good, "state.1.step", kaon::full<double>({}, -1.0)), {"state.1.step", "-1"});
    refused(with(good, "state.1.step", kaon::full<double>({}, nan)), {"state.1.step"});
  }
  SECTION("an invalid learning rate") {
    refused(with(good, "lr", kaon::full<double>({}, -0.5)), {"lr", "-0.5"});
    refused(with(good, "lr", kaon::full<double>({}, nan)), {"lr", "nan"});
    refused(with(good, "lr", zeros({1})), {"lr", "[1]"});
    auto no_lr = good;
    std::erase_if(no_lr, [](const auto& e) { return e.first == "lr"; });
    refused(no_lr, {"no \"lr\""});
  }
  SECTION("and then loads a good state") {
    opt.load_state_dict(good);
    CHECK(contents(opt.state_dict()) == contents(good));
    CHECK(opt.lr() == 0.5);
  }
}
