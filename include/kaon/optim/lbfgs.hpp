// SPDX-License-Identifier: MIT
// optim::LBFGS: limited-memory BFGS with torch.optim.LBFGS's algorithm and defaults (one
// parameter group, a fixed step without a line search), step by step as PyTorch's so that a run
// agrees with PyTorch's. Each step(closure) re-evaluates the loss up to max_iter times:
//
//   kaon::optim::LBFGS<double> opt(model.parameters(), kaon::optim::LBFGSOptions(1));
//   opt.step([&] { opt.zero_grad(); auto loss = loss_fn(model(x), y); loss.backward(); return loss;
//   });
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/optim/optimizer.hpp"

namespace kaon::optim {

/// LBFGS's options, as torch::optim::LBFGSOptions: LBFGSOptions(1).max_iter(20).history_size(100).
/// max_eval defaults to max_iter * 5 / 4. Each setter has a getter of the same name.
struct LBFGSOptions {
 public:
  explicit LBFGSOptions(double lr = 1) : lr_(lr) {}
  LBFGSOptions& lr(double v) { return lr_ = v, *this; }
  LBFGSOptions& max_iter(std::int64_t v) { return max_iter_ = v, *this; }
  LBFGSOptions& max_eval(std::int64_t v) { return max_eval_ = v, *this; }
  LBFGSOptions& tolerance_grad(double v) { return tolerance_grad_ = v, *this; }
  LBFGSOptions& tolerance_change(double v) { return tolerance_change_ = v, *this; }
  LBFGSOptions& history_size(std::int64_t v) { return history_size_ = v, *this; }
  [[nodiscard]] double lr() const { return lr_; }
  [[nodiscard]] std::int64_t max_iter() const { return max_iter_; }
  [[nodiscard]] std::int64_t max_eval() const { return max_eval_.value_or(max_iter_ * 5 / 4); }
  [[nodiscard]] double tolerance_grad() const { return tolerance_grad_; }
  [[nodiscard]] double tolerance_change() const { return tolerance_change_; }
  [[nodiscard]] std::int64_t history_size() const { return history_size_; }

 private:
  double lr_, tolerance_grad_ = 1e-7, tolerance_change_ = 1e-9;
  std::int64_t max_iter_ = 20, history_size_ = 100;
  std::optional<std::int64_t> max_eval_;
};

template <class T = float, class D = cpu>
class LBFGS : public Optimizer<T, D> {
 public:
  using Closure = std::function<Tensor<T, D>()>;

  LBFGS(std::vector<Tensor<T, D>> params, LBFGSOptions options = LBFGSOptions())
      : params_(std::move(params)), o_(options) {
    static_assert(std::is_floating_point_v<T>, "LBFGS: parameters are float or double");
    KAON_CHECK(options.lr() >= 0 && !std::isnan(options.lr()), ValueError,
               "LBFGS: invalid learning rate ", options.lr());
    KAON_CHECK(options.max_iter() > 0 && options.history_size() > 0, ValueError,
               "LBFGS: max_iter and history_size must be positive, got ", options.max_iter(),
               " and ", options.history_size());
    for (std::size_t i = 0; i < params_.size(); ++i)
      KAON_CHECK(params_[i].defined() && params_[i].requires_grad(), ValueError,
                 "LBFGS: every parameter must require grad; parameter ", i, " (shape ",
                 params_[i].defined() ? params_[i].shape() : Shape{}, ") does not");
  }

  /// LBFGS needs the loss again at each of its inner iterations: call step(closure).
  void step() override {
    throw ValueError(
        "LBFGS::step: LBFGS evaluates the loss several times per step; call "
        "step(closure) with a closure that zeroes the gradients, computes the loss, "
        "calls backward() and returns the loss");
  }

  /// One LBFGS step of up to max_iter iterations; returns the loss of the first evaluation.
  Tensor<T, D> step(const Closure& closure) {
    const Tensor<T, D> orig_loss = evaluate(closure);
    double loss = static_cast<double>(orig_loss.item());
    std::int64_t current_evals = 1;
    ++func_evals_;
    std::vector<T> g = flat_grad();
    if (abs_max(g) <= o_.tolerance_grad()) return orig_loss;

    for (std::int64_t n_iter = 1; n_iter <= o_.max_iter(); ++n_iter) {
      ++state_iter_;
      if (state_iter_ == 1) {
        d_ = scaled(g, T(-1));
        old_dirs_.clear(), old_stps_.clear(), ro_.clear();
        h_diag_ = 1;
      } else {
        const std::vector<T> y = axpy(g, T(-1), prev_grad_), s = scaled(d_, t_);
        const T ys = dot(y, s);
        if (ys > T(1e-10)) {
          if (static_cast<std::int64_t>(old_dirs_.size()) == o_.history_size()) {
            old_dirs_.pop_front(), old_stps_.pop_front(), ro_.pop_front();
          }
          old_dirs_.push_back(y), old_stps_.push_back(s), ro_.push_back(T(1) / ys);
          h_diag_ = ys / dot(y, y);
        }
        // The two-loop recursion: d = -H g.
        const std::size_t num_old = old_dirs_.size();
        std::vector<T> al(num_old);
        std::vector<T> q = scaled(g, T(-1));
        for (std::size_t i = num_old; i-- > 0;) {
          al[i] = dot(old_stps_[i], q) * ro_[i];
          q = axpy(q, -al[i], old_dirs_[i]);
        }
        d_ = scaled(q, h_diag_);
        for (std::size_t i = 0; i < num_old; ++i) {
          const T be_i = dot(old_dirs_[i], d_) * ro_[i];
          d_ = axpy(d_, al[i] - be_i, old_stps_[i]);
        }
      }
      prev_grad_ = g;
      const double prev_loss = loss;
      if (state_iter_ == 1) {
        T l1 = 0;
        for (const T v : g) l1 += std::abs(v);
        t_ = std::min(T(1), T(1) / l1) * static_cast<T>(o_.lr());
      } else {
        t_ = static_cast<T>(o_.lr());
      }
      const T gtd = dot(g, d_);
      if (gtd > -static_cast<T>(o_.tolerance_change())) break;

      std::int64_t ls_func_evals = 0;
      add_to_params(t_, d_);
      bool opt_cond = false;
      if (n_iter != o_.max_iter()) {
        loss = static_cast<double>(evaluate(closure).item());
        g = flat_grad();
        opt_cond = abs_max(g) <= o_.tolerance_grad();
        ls_func_evals = 1;
      }
      current_evals += ls_func_evals;
      func_evals_ += ls_func_evals;
      if (n_iter == o_.max_iter() || current_evals >= o_.max_eval() || opt_cond) break;
      if (abs_max(d_) * std::abs(static_cast<double>(t_)) <= o_.tolerance_change()) break;
      if (std::abs(loss - prev_loss) < o_.tolerance_change()) break;
    }
    return orig_loss;
  }

  void zero_grad(bool set_to_none = false) override { detail::zero_grads(params_, set_to_none); }
  [[nodiscard]] std::size_t num_param_groups() const override { return 1; }
  [[nodiscard]] std::vector<Tensor<T, D>> parameters() const override { return params_; }
  [[nodiscard]] const LBFGSOptions& options() const { return o_; }
  /// Evaluations of the closure so far, and iterations (PyTorch's state func_evals, n_iter).
  [[nodiscard]] std::int64_t func_evals() const { return func_evals_; }
  [[nodiscard]] std::int64_t n_iter() const { return state_iter_; }

  /// The learning rate only: LBFGS's history is not saved (a restored run starts a new one).
  [[nodiscard]] io::NamedTensors<T, D> state_dict() const override {
    return {{"lr", full<T, D>({}, static_cast<T>(o_.lr()))}};
  }
  void load_state_dict(const io::NamedTensors<T, D>& state) override {
    io::detail::check_unique_names("LBFGS::load_state_dict", state);
    for (const auto& [key, t] : state) {
      KAON_CHECK(key == "lr" && t.numel() == 1, ValueError,
                 "LBFGS::load_state_dict: unknown entry \"", key, "\" (LBFGS saves only \"lr\")");
      set_group_lr(0, static_cast<double>(t.item()));
    }
  }

 protected:
  [[nodiscard]] double group_lr(std::size_t) const override { return o_.lr(); }
  void set_group_lr(std::size_t, double lr) override {
    KAON_CHECK(lr >= 0 && !std::isnan(lr), ValueError, "LBFGS: invalid learning rate ", lr);
    o_.lr(lr);
  }

 private:
  Tensor<T, D> evaluate(const Closure& closure) {
    EnableGradGuard grad_on;
    return closure();
  }
  /// Every parameter's gradient (zeros where there is none), concatenated.
  std::vector<T> flat_grad() const {
    std::vector<T> out;
    for (const auto& p : params_) {
      const auto g = p.grad();
      const auto v =
          g.defined() ? g.to_vector() : std::vector<T>(static_cast<std::size_t>(p.numel()));
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  }
  /// p += step * (p's part of d), for every parameter.
  void add_to_params(T step, const std::vector<T>& d) {
    NoGradGuard no_grad;
    std::size_t offset = 0;
    for (auto& p : params_) {
      const auto n = static_cast<std::size_t>(p.numel());
      const std::vector<T> part(d.begin() + static_cast<std::ptrdiff_t>(offset),
                                d.begin() + static_cast<std::ptrdiff_t>(offset + n));
      p += from_vector<T, D>(part, p.shape()) * step;
      offset += n;
    }
  }
  static T dot(const std::vector<T>& a, const std::vector<T>& b) {
    T s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
  }
  static std::vector<T> scaled(const std::vector<T>& a, T c) {
    std::vector<T> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] * c;
    return out;
  }
  /// a + c b.
  static std::vector<T> axpy(const std::vector<T>& a, T c, const std::vector<T>& b) {
    std::vector<T> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] + c * b[i];
    return out;
  }
  static double abs_max(const std::vector<T>& a) {
    double m = 0;
    for (const T v : a) m = std::max(m, static_cast<double>(std::abs(v)));
    return m;
  }

  std::vector<Tensor<T, D>> params_;
  LBFGSOptions o_;
  std::int64_t func_evals_ = 0, state_iter_ = 0;
  std::vector<T> d_, prev_grad_;
  T t_ = 0, h_diag_ = 1;
  std::deque<std::vector<T>> old_dirs_, old_stps_;
  std::deque<T> ro_;
};

}  // namespace kaon::optim
