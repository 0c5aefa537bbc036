// SPDX-License-Identifier: MIT
// optim::Optimizer: the base of every optimiser, as torch::optim::Optimizer. Parameters come in
// groups, each with its own options (a group may have its own learning rate); each parameter
// has a typed state (its step count, Adam's moments) that state_dict() saves and
// load_state_dict() restores, so a resumed run continues bit for bit. Each optimiser's update is
// a KAON_HOST_DEVICE functor applied by the backend over the parameter, its gradient and its
// state, so every device runs the same update.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/backend/backend.hpp"
#include "kaon/io/named_tensors.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::optim {

/// What every optimiser offers, whatever its options: the type that schedulers and code holding
/// "some optimiser" use, as `std::unique_ptr<optim::Optimizer<float>>`.
template <class T = float, class D = cpu>
class Optimizer {
 public:
  virtual ~Optimizer() = default;

  /// Applies one update to every parameter that has a gradient.
  virtual void step() = 0;
  /// Clears the parameters' gradients: zeroed in place (PyTorch 1.13's default) or undefined.
  virtual void zero_grad(bool set_to_none = false) = 0;

  /// The number of parameter groups: 1 unless the optimiser was built from a list of groups.
  [[nodiscard]] virtual std::size_t num_param_groups() const = 0;
  /// Group `group`'s learning rate (the first group's by default).
  [[nodiscard]] double lr(std::size_t group = 0) const { return group_lr(group); }
  /// Sets every group's learning rate; throws ValueError when it is negative or NaN.
  void set_lr(double lr) {
    for (std::size_t g = 0; g < num_param_groups(); ++g) set_group_lr(g, lr);
  }
  /// Sets group `group`'s learning rate, as a scheduler does for each group.
  void set_lr(std::size_t group, double lr) { set_group_lr(group, lr); }

  /// The momentum that cyclic schedulers (OneCycleLR) cycle, as PyTorch's: group `group`'s
  /// `momentum` (SGD, RMSprop) or its beta1 (Adam, AdamW); nothing for an optimiser without one.
  [[nodiscard]] std::optional<double> momentum(std::size_t group = 0) const {
    return group_momentum(group);
  }
  /// Sets that momentum (beta1 for Adam); a ValueError for an optimiser without one.
  void set_momentum(std::size_t group, double momentum) { set_group_momentum(group, momentum); }

  /// Every group's parameters, in order; state_dict() numbers them in this order.
  [[nodiscard]] virtual std::vector<Tensor<T, D>> parameters() const = 0;
  /// "state.<i>.<key>" for each state tensor of parameter i (its step count as a 0-d tensor),
  /// "lr" for the first group's learning rate and "param_groups.<g>.lr" for the other groups'.
  [[nodiscard]] virtual io::NamedTensors<T, D> state_dict() const = 0;
  /// Restores what state_dict() saved (the same optimiser type over the same parameters). Checks
  /// every entry first and throws ValueError, leaving the optimiser as it was, on an unknown key,
  /// a parameter index out of range, a shape that differs from the parameter's or a bad lr.
  virtual void load_state_dict(const io::NamedTensors<T, D>& state) = 0;

 protected:
  [[nodiscard]] virtual double group_lr(std::size_t group) const = 0;
  virtual void set_group_lr(std::size_t group, double lr) = 0;
  [[nodiscard]] virtual std::optional<double> group_momentum(std::size_t) const { return {}; }
  virtual void set_group_momentum(std::size_t, double) {
    throw ValueError("set_momentum: this optimiser has no momentum or beta1 to set");
  }
};

/// A list of parameters with its own options, as torch::optim::OptimizerParamGroup:
/// `optim::Adam<float> opt({{{w1, b1}, AdamOptions(1e-3)}, {{w2, b2}, AdamOptions(1e-4)}})`.
template <class T, class D, class Options>
class ParamGroup {
 public:
  ParamGroup(std::vector<Tensor<T, D>> params, Options options)
      : params_(std::move(params)), options_(std::move(options)) {}

  [[nodiscard]] const std::vector<Tensor<T, D>>& params() const { return params_; }
  [[nodiscard]] std::vector<Tensor<T, D>>& params() { return params_; }
  [[nodiscard]] const Options& options() const { return options_; }
  [[nodiscard]] Options& options() { return options_; }

 private:
  std::vector<Tensor<T, D>> params_;
  Options options_;
};

namespace detail {

/// The digits of `text` as a number, or nothing when it is empty, has another character or
/// would overflow (std::stoul would throw std::invalid_argument or accept "+1" and " 1").
inline std::optional<std::size_t> parse_index(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::size_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

/// Clears the gradients of `params`: zeroed in place, or undefined with set_to_none.
template <class T, class D>
void zero_grads(std::vector<Tensor<T, D>>& params, bool set_to_none) {
  for (auto& p : params) {
    if (set_to_none) {
      p.set_grad({});
    } else if (auto g = p.grad(); g.defined()) {
      NoGradGuard no_grad;
      g.zero_();
    }
  }
}

/// State tensor `t`, made zeros of p's shape first if it is undefined (state made on first use).
template <class T, class D>
Tensor<T, D>& ensure_zeros(Tensor<T, D>& t, const Tensor<T, D>& p) {
  if (!t.defined()) t = zeros<T, D>(p.shape());
  return t;
}

/// The part of every optimiser that knows its options and state types: the groups, the typed
/// per-parameter state, the update loop and state_dict. `State::fields(state, f)` calls
/// f(name, field) for each field under its state_dict name: the step count (std::int64_t) and
/// the state tensors (undefined until made).
template <class T, class D, class Options, class State>
class OptimizerImpl : public Optimizer<T, D> {
 public:
  using ParamGroup = optim::ParamGroup<T, D, Options>;

  void zero_grad(bool set_to_none = false) override {
    for (auto& group : groups_) zero_grads(group.params(), set_to_none);
  }

  /// The first group's options (the only group's, unless built from groups): opt.options().lr().
  [[nodiscard]] const Options& options() const { return groups_.front().options(); }
  /// The groups, each with its parameters and options.
  [[nodiscard]] const std::vector<ParamGroup>& param_groups() const { return groups_; }
  [[nodiscard]] std::size_t num_param_groups() const override { return groups_.size(); }

  [[nodiscard]] std::vector<Tensor<T, D>> parameters() const override {
    std::vector<Tensor<T, D>> out;
    for (const auto& group : groups_)
      out.insert(out.end(), group.params().begin(), group.params().end());
    return out;
  }

  [[nodiscard]] io::NamedTensors<T, D> state_dict() const override {
    io::NamedTensors<T, D> out;
    for (std::size_t i = 0; i < state_.size(); ++i) {
      if (!state_[i]) continue;
      const std::string prefix = "state." + std::to_string(i) + ".";
      State::fields(*state_[i], [&](const char* key, const auto& field) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, std::int64_t>)
          out.emplace_back(prefix + key, full<T, D>({}, static_cast<T>(field)));
        else if (field.defined())
          out.emplace_back(prefix + key, field.clone());
      });
    }
    for (std::size_t g = 0; g < groups_.size(); ++g)
      out.emplace_back(lr_key(g), full<T, D>({}, static_cast<T>(groups_[g].options().lr())));
    return out;
  }

  void load_state_dict(const io::NamedTensors<T, D>& state) override {
    io::detail::check_unique_names(name_, state);
    const auto params = parameters();
    std::vector<std::optional<State>> restored(params.size());
    std::vector<std::optional<double>> lrs(groups_.size());
    for (const auto& entry : state) {
      const std::string& name = entry.first;
      const Tensor<T, D>& t = entry.second;
      if (const auto g = lr_group(name)) {
        check_scalar(name, t);
        const double lr = t.template item<double>();
        KAON_CHECK(lr >= 0, ValueError, name_, ": load_state_dict: \"", name,
                   "\" holds an invalid learning rate: ", lr);
        lrs[*g] = lr;
        continue;
      }
      const auto dot1 = name.find('.'), dot2 = name.find('.', dot1 + 1);
      KAON_CHECK(name.rfind("state.", 0) == 0 && dot2 != std::string::npos, ValueError, name_,
                 ": load_state_dict: unexpected key \"", name, "\"");
      const auto index = parse_index(std::string_view(name).substr(dot1 + 1, dot2 - dot1 - 1));
      KAON_CHECK(index.has_value(), ValueError, name_, ": load_state_dict: key \"", name,
                 "\" does not name a parameter by its index");
      const std::size_t i = *index;
      KAON_CHECK(i < params.size(), ValueError, name_, ": load_state_dict: key \"", name,
                 "\" names parameter ", i, " but the optimiser has ", params.size());
      const std::string_view key = std::string_view(name).substr(dot2 + 1);
      State& s = restored[i] ? *restored[i] : restored[i].emplace();
      bool known = false;
      State::fields(s, [&](const char* field_name, auto& field) {
        if (key != field_name) return;
        known = true;
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, std::int64_t>) {
          check_scalar(name, t);
          const double step = t.template item<double>();
          KAON_CHECK(step >= 0 && step <= 0x1p53 && std::floor(step) == step, ValueError, name_,
                     ": load_state_dict: \"", name, "\" must hold a step count, got ", step);
          field = static_cast<std::int64_t>(step);
        } else {
          KAON_CHECK(t.shape() == params[i].shape(), ValueError, name_, ": load_state_dict: \"",
                     name, "\" has shape ", t.shape(), " but parameter ", i, " has shape ",
                     params[i].shape());
          field = t.clone();
        }
      });
      KAON_CHECK(known, ValueError, name_, ": load_state_dict: unknown key \"", name, "\" (", name_,
                 " keeps ", field_names(), ")");
    }
    for (std::size_t g = 0; g < groups_.size(); ++g)
      KAON_CHECK(lrs[g].has_value(), ValueError, name_, ": load_state_dict: the state has no \"",
                 lr_key(g), "\"");
    state_ = std::move(restored);
    for (std::size_t g = 0; g < groups_.size(); ++g) groups_[g].options().lr(*lrs[g]);
  }

 protected:
  OptimizerImpl(std::vector<ParamGroup> groups, const char* name)
      : name_(name), groups_(std::move(groups)) {
    std::size_t count = 0;
    for (const auto& group : groups_) {
      check_lr(group.options().lr());
      for (const auto& p : group.params())
        KAON_CHECK(p.defined() && p.is_contiguous() && p.is_leaf(), ValueError, name_,
                   ": parameters must be contiguous leaf tensors (shape ",
                   p.defined() ? p.shape() : Shape{}, ")");
      count += group.params().size();
    }
    KAON_CHECK(count > 0, ValueError, name_, ": got an empty parameter list");
    state_.resize(count);
  }
  OptimizerImpl(std::vector<Tensor<T, D>> params, Options options, const char* name)
      : OptimizerImpl(one_group(std::move(params), std::move(options)), name) {}

  [[nodiscard]] double group_lr(std::size_t group) const override {
    check_group(group);
    return groups_[group].options().lr();
  }
  void set_group_lr(std::size_t group, double lr) override {
    check_group(group);
    check_lr(lr);
    groups_[group].options().lr(lr);
  }
  [[nodiscard]] std::optional<double> group_momentum(std::size_t group) const override {
    check_group(group);
    const Options& o = groups_[group].options();
    if constexpr (requires { o.betas(); })
      return std::get<0>(o.betas());
    else if constexpr (requires { o.momentum(); })
      return o.momentum();
    else
      return std::nullopt;
  }
  void set_group_momentum(std::size_t group, double momentum) override {
    check_group(group);
    KAON_CHECK(momentum >= 0, ValueError, name_, ": set_momentum: got ", momentum);
    Options& o = groups_[group].options();
    if constexpr (requires { o.betas(); }) {
      KAON_CHECK(momentum < 1, ValueError, name_, ": set_momentum: beta1 must be below 1, got ",
                 momentum);
      o.betas({momentum, std::get<1>(o.betas())});
    } else if constexpr (requires { o.momentum(); })
      o.momentum(momentum);
    else
      kaon::detail::raise<ValueError>(name_,
                                      ": set_momentum: this optimiser has no momentum or beta1 ",
                                      "to set (got ", momentum, ")");
  }

  /// The loop every step() shares: without recording, calls update(options, state, param, grad)
  /// for each parameter that has a gradient, with its group's options and its state (made on
  /// first use, as PyTorch's), then bumps that parameter's version counter.
  template <class Update>
  void update_each(const Update& update) {
    NoGradGuard no_grad;
    std::size_t i = 0;
    for (auto& group : groups_) {
      for (auto& p : group.params()) {
        if (auto g = p.grad(); g.defined()) {
          update(group.options(), state(i), p, g.contiguous());
          p.bump_version();
        }
        ++i;
      }
    }
  }
  /// Parameter i's state (numbered across the groups), made empty on first use.
  State& state(std::size_t i) { return state_[i] ? *state_[i] : state_[i].emplace(); }

  /// Throws ValueError with the value unless lr >= 0 (so NaN too).
  void check_lr(double lr) const {
    KAON_CHECK(lr >= 0, ValueError, name_, ": invalid learning rate: ", lr);
  }

  /// One group of `params` with `options`: what the single-list constructors build.
  static std::vector<ParamGroup> one_group(std::vector<Tensor<T, D>> params, Options options) {
    std::vector<ParamGroup> groups;
    groups.emplace_back(std::move(params), std::move(options));
    return groups;
  }

  const char* const name_;

 private:
  static std::string lr_key(std::size_t group) {
    return group == 0 ? "lr" : "param_groups." + std::to_string(group) + ".lr";
  }
  /// The group whose learning rate `name` holds ("lr": 0, "param_groups.<g>.lr": g), or nothing
  /// when it names no learning rate; throws when it names a group the optimiser lacks.
  [[nodiscard]] std::optional<std::size_t> lr_group(const std::string& name) const {
    if (name == "lr") return 0;
    const std::string_view prefix = "param_groups.", suffix = ".lr";
    if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      return std::nullopt;
    const auto g = parse_index(
        std::string_view(name).substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
    KAON_CHECK(g.has_value(), ValueError, name_, ": load_state_dict: key \"", name,
               "\" does not name a parameter group by its index");
    KAON_CHECK(*g > 0 && *g < groups_.size(), ValueError, name_, ": load_state_dict: key \"", name,
               "\" names parameter group ", *g, " but the optimiser has ", groups_.size(),
               " (the first group's learning rate is \"lr\")");
    return g;
  }
  void check_scalar(const std::string& name, const Tensor<T, D>& t) const {
    KAON_CHECK(t.dim() == 0, ValueError, name_, ": load_state_dict: \"", name,
               "\" must be a 0-d tensor (shape []), got shape ", t.shape());
  }
  void check_group(std::size_t group) const {
    KAON_CHECK(group < groups_.size(), ValueError, name_, ": no parameter group ", group,
               " (the optimiser has ", groups_.size(), ")");
  }
  static std::string field_names() {
    std::string out;
    State state;
    State::fields(state, [&](const char* key, const auto&) {
      out += out.empty() ? "" : ", ";
      out += key;
    });
    return out;
  }

  std::vector<ParamGroup> groups_;
  std::vector<std::optional<State>> state_;
};

}  // namespace detail

}  // namespace kaon::optim
