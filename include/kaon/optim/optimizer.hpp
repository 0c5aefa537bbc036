// SPDX-License-Identifier: MIT
// optim::Optimizer: the base of every optimiser, as torch.optim.Optimizer with one parameter
// group. It holds the parameters, the learning rate and per-parameter state tensors, clears
// gradients, and saves and restores its state (state_dict) so a resumed run continues bit for
// bit. Each optimiser's update is a KAON_HOST_DEVICE functor applied by the backend over the
// parameter, its gradient and its state, so every device runs the same update.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/io/named_tensors.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::optim {

template <class T = float, class D = cpu>
class Optimizer {
 public:
  Optimizer(std::vector<Tensor<T, D>> params, double lr, const char* name)
      : params_(std::move(params)), state_(params_.size()), lr_(lr), name_(name) {
    KAON_CHECK(!params_.empty(), ValueError, name_, ": got an empty parameter list");
    KAON_CHECK(lr >= 0, ValueError, name_, ": invalid learning rate: ", lr);
    for (const auto& p : params_)
      KAON_CHECK(p.defined() && p.is_contiguous() && p.is_leaf(), ValueError, name_,
                 ": parameters must be contiguous leaf tensors (shape ",
                 p.defined() ? p.shape() : Shape{}, ")");
  }
  virtual ~Optimizer() = default;

  /// Applies one update to every parameter that has a gradient.
  virtual void step() = 0;

  /// Clears the parameters' gradients: zeroed in place (PyTorch 1.13's default) or undefined.
  void zero_grad(bool set_to_none = false) {
    for (auto& p : params_) {
      if (set_to_none) {
        p.set_grad({});
      } else if (auto g = p.grad(); g.defined()) {
        NoGradGuard no_grad;
        g.zero_();
      }
    }
  }

  [[nodiscard]] double lr() const { return lr_; }
  void set_lr(double lr) {
    KAON_CHECK(lr >= 0, ValueError, name_, ": invalid learning rate: ", lr);
    lr_ = lr;
  }
  [[nodiscard]] const std::vector<Tensor<T, D>>& parameters() const { return params_; }

  /// "state.<i>.<key>" for every state tensor of parameter i, and "lr".
  [[nodiscard]] io::NamedTensors<T, D> state_dict() const {
    io::NamedTensors<T, D> out;
    for (std::size_t i = 0; i < state_.size(); ++i)
      for (const auto& [key, t] : state_[i])
        out.emplace_back("state." + std::to_string(i) + "." + key, t.clone());
    out.emplace_back("lr", full<T, D>({}, static_cast<T>(lr_)));
    return out;
  }
  /// Restores what state_dict() saved (the same optimiser type over the same parameters).
  void load_state_dict(const io::NamedTensors<T, D>& state) {
    std::vector<std::map<std::string, Tensor<T, D>>> restored(params_.size());
    bool has_lr = false;
    for (const auto& [name, t] : state) {
      if (name == "lr") {
        lr_ = t.template item<double>();
        has_lr = true;
        continue;
      }
      const auto dot1 = name.find('.'), dot2 = name.find('.', dot1 + 1);
      KAON_CHECK(name.rfind("state.", 0) == 0 && dot2 != std::string::npos, ValueError, name_,
                 ": load_state_dict: unexpected key \"", name, "\"");
      const std::size_t i = std::stoul(name.substr(dot1 + 1, dot2 - dot1 - 1));
      KAON_CHECK(i < params_.size(), ValueError, name_, ": load_state_dict: key \"", name,
                 "\" names parameter ", i, " but the optimiser has ", params_.size());
      restored[i][name.substr(dot2 + 1)] = t.clone();
    }
    KAON_CHECK(has_lr, ValueError, name_, ": load_state_dict: the state has no \"lr\"");
    state_ = std::move(restored);
  }

 protected:
  /// Parameter i's state tensor `key`, made by `init` on first use.
  template <class Init>
  Tensor<T, D>& state(std::size_t i, const std::string& key, const Init& init) {
    auto it = state_[i].find(key);
    if (it == state_[i].end()) it = state_[i].emplace(key, init()).first;
    return it->second;
  }
  /// Increments parameter i's step counter and returns it.
  double next_step(std::size_t i) {
    auto& s = state(i, "step", [] { return zeros<T, D>({}); });
    const double step = s.template item<double>() + 1;
    s.fill_(static_cast<T>(step));
    return step;
  }
  /// The loop every step() shares: without recording, calls update(i, param, grad) for each
  /// parameter that has a gradient, then bumps that parameter's version counter.
  template <class Update>
  void update_each(const Update& update) {
    NoGradGuard no_grad;
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const auto g = grad_of(i);
      if (!g.defined()) continue;
      update(i, params_[i], g);
      params_[i].bump_version();
    }
  }
  /// Parameter i's gradient as a dense tensor, or undefined when it has none.
  [[nodiscard]] Tensor<T, D> grad_of(std::size_t i) const {
    auto g = params_[i].grad();
    return g.defined() ? g.contiguous() : g;
  }

  std::vector<Tensor<T, D>> params_;
  std::vector<std::map<std::string, Tensor<T, D>>> state_;
  double lr_;
  const char* name_;
};

namespace detail {
template <class T, class D>
Tensor<T, D> zeros_like_param(const Tensor<T, D>& p) {
  return zeros<T, D>(p.shape());
}
}  // namespace detail

}  // namespace kaon::optim
