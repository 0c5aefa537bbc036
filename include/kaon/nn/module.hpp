// SPDX-License-Identifier: MIT
// nn::Module: the base of every layer and model, as torch.nn.Module. A module registers its
// parameters, buffers and submodules by name, and from that registry gives parameters(),
// named_parameters() with PyTorch's dotted names, train/eval, zero_grad, apply, state_dict and
// load_state_dict with strict checks, and PyTorch's printed repr.
//
//   struct Net : kaon::nn::Module<> {
//     std::shared_ptr<kaon::nn::Linear<>> fc1, fc2;
//     Net() : Module("Net") {
//       fc1 = register_module("fc1", std::make_shared<kaon::nn::Linear<>>(26, 100));
//       fc2 = register_module("fc2", std::make_shared<kaon::nn::Linear<>>(100, 1));
//     }
//     kaon::Tensor<> forward(const kaon::Tensor<>& x) { return
//     kaon::sigmoid(fc2->forward(kaon::sigmoid(fc1->forward(x)))); }
//   };
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/io/named_tensors.hpp"
#include "kaon/ops/copy.hpp"

namespace kaon::nn {

template <class T = float, class D = cpu>
class Module {
 public:
  using value_type = T;
  using device_type = D;

  explicit Module(std::string name = "Module") : name_(std::move(name)) {}
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module(Module&&) noexcept = default;
  Module& operator=(const Module&) = default;
  Module& operator=(Module&&) noexcept = default;

  /// Adds a parameter (a leaf that requires grad); returns the registered handle.
  Tensor<T, D> register_parameter(const std::string& name, Tensor<T, D> t,
                                  bool requires_grad = true) {
    check_new_name(name);
    if (t.defined() && requires_grad && !t.requires_grad()) t.requires_grad_();
    params_.emplace_back(name, std::move(t));
    return params_.back().second;
  }
  /// Adds a buffer: state saved in state_dict that is not trained (running statistics).
  Tensor<T, D> register_buffer(const std::string& name, Tensor<T, D> t) {
    check_new_name(name);
    buffers_.emplace_back(name, std::move(t));
    return buffers_.back().second;
  }
  /// Adds an int64 buffer (a counter such as BatchNorm's num_batches_tracked); state_dict()
  /// keeps it in its `int64` list.
  template <std::same_as<std::int64_t> I>
  Tensor<I, D> register_buffer(const std::string& name, Tensor<I, D> t) {
    check_new_name(name);
    int64_buffers_.emplace_back(name, std::move(t));
    return int64_buffers_.back().second;
  }
  /// Adds a submodule; its parameters appear as "name.param".
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    check_new_name(name);
    children_.emplace_back(name, m);
    return m;
  }

  /// Parameters of this module and (with recurse) of every submodule, in registration order.
  [[nodiscard]] std::vector<Tensor<T, D>> parameters(bool recurse = true) const {
    std::vector<Tensor<T, D>> out;
    for (auto& [name, p] : named_parameters(recurse)) out.push_back(p);
    return out;
  }
  /// Parameters with PyTorch's dotted names ("0.weight", "fc2.0.bias").
  [[nodiscard]] io::NamedTensors<T, D> named_parameters(bool recurse = true) const {
    io::NamedTensors<T, D> out;
    collect(out, "", recurse, true, false);
    return out;
  }
  [[nodiscard]] io::NamedTensors<T, D> named_buffers(bool recurse = true) const {
    io::NamedTensors<T, D> out;
    collect(out, "", recurse, false, true);
    return out;
  }
  /// Direct submodules, with and without their names.
  [[nodiscard]] const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children()
      const {
    return children_;
  }
  [[nodiscard]] std::vector<std::shared_ptr<Module>> children() const {
    std::vector<std::shared_ptr<Module>> out;
    for (auto& c : children_) out.push_back(c.second);
    return out;
  }

  /// Clears the gradients of all parameters: zeroed in place, or undefined with set_to_none
  /// (PyTorch 1.13's default is to zero).
  void zero_grad(bool set_to_none = false) {
    for (auto& p : parameters()) {
      if (set_to_none) {
        p.set_grad({});
      } else if (auto g = p.grad(); g.defined()) {
        NoGradGuard no_grad;
        g.zero_();
      }
    }
  }

  /// Training mode on or off, for this module and every submodule (Dropout reads it).
  Module& train(bool on = true) {
    training_ = on;
    for (auto& c : children_) c.second->train(on);
    return *this;
  }
  Module& eval() { return train(false); }
  [[nodiscard]] bool is_training() const { return training_; }

  /// Redraws this module's own parameters from their default distributions (Linear,
  /// LayerNorm, ...); a module without parameters has nothing to do. Overridable, so that
  /// `model.apply([](auto& m) { m.reset_parameters(); })` resets every layer.
  virtual void reset_parameters() {}

  /// Calls fn on every submodule (depth first) and then on this module, as Module.apply.
  Module& apply(const std::function<void(Module&)>& fn) {
    for (auto& c : children_) c.second->apply(fn);
    fn(*this);
    return *this;
  }

  /// Parameters and buffers by dotted name, sharing storage with the module; the int64
  /// buffers are in the result's `int64` list.
  [[nodiscard]] io::StateDict<T, D> state_dict() const {
    io::StateDict<T, D> out;
    collect(out, "", true, true, true);
    collect_int64(out.int64, "");
    return out;
  }
  /// Copies values into the parameters and buffers of the same names. With strict, missing
  /// and unexpected keys are errors; shapes must always match. An int64 buffer takes its value
  /// from `state.int64`, or else from a T entry of its name (as PyTorch's copy_ converts), which
  /// must hold whole numbers: so a state dict read back by `io::load_npz` loads.
  void load_state_dict(const io::StateDict<T, D>& state, bool strict = true) {
    load(state, state.int64, strict);
  }
  void load_state_dict(const io::NamedTensors<T, D>& state, bool strict = true) {
    load(state, {}, strict);
  }

 private:
  void load(const io::NamedTensors<T, D>& state, const io::NamedTensors<std::int64_t, D>& ints,
            bool strict) {
    io::detail::check_unique_names("load_state_dict", state);
    io::detail::check_unique_names("load_state_dict", ints);
    const auto own = state_dict();
    std::vector<std::string> missing, unexpected;
    NoGradGuard no_grad;
    for (auto& [name, t] : own) {
      if (const auto* from = find(state, name))
        copy_checked(name, t, *from);
      else
        missing.push_back(name);
    }
    for (auto& [name, t] : own.int64) {
      if (const auto* from = find(ints, name)) {
        copy_checked(name, t, *from);
      } else if (const auto* value = find(state, name)) {
        for (const T v : value->to_vector())
          KAON_CHECK(std::trunc(v) == v && std::abs(v) < 0x1p63, ValueError,
                     "load_state_dict: ", name, " is an int64 buffer; the checkpoint holds ", v,
                     ", not a whole number in int64's range");
        copy_checked(name, t, value->template to<std::int64_t>());
      } else {
        missing.push_back(name);
      }
    }
    for (auto& [name, t] : state)
      if (!find(own, name) && !find(own.int64, name)) unexpected.push_back(name);
    for (auto& [name, t] : ints)
      if (!find(own.int64, name)) unexpected.push_back(name);
    if (strict && (!missing.empty() || !unexpected.empty())) {
      std::string msg = "load_state_dict: error(s) in loading state_dict for " + name_ + ":";
      if (!missing.empty()) msg += " missing key(s): " + join(missing) + ".";
      if (!unexpected.empty()) msg += " unexpected key(s): " + join(unexpected) + ".";
      throw ValueError(msg);
    }
  }
  template <class E>
  static const Tensor<E, D>* find(const io::NamedTensors<E, D>& list, const std::string& key) {
    const auto it =
        std::find_if(list.begin(), list.end(), [&](auto& kv) { return kv.first == key; });
    return it == list.end() ? nullptr : &it->second;
  }
  template <class E>
  static void copy_checked(const std::string& name, Tensor<E, D> to, const Tensor<E, D>& from) {
    KAON_CHECK(from.shape() == to.shape(), ShapeError, "load_state_dict: size mismatch for ", name,
               ": the checkpoint has shape ", from.shape(), ", the module has shape ", to.shape());
    to.copy_(from);
  }

 public:
  /// The class name shown by the repr ("Linear", "Sequential", or a custom module's).
  [[nodiscard]] const std::string& name() const { return name_; }
  /// What a leaf module prints between its parentheses ("in_features=1, ...").
  [[nodiscard]] virtual std::string extra_repr() const { return ""; }

  /// PyTorch's repr: Name(extra) or Name(\n  (child): ...\n).
  [[nodiscard]] std::string repr() const {
    std::vector<std::string> lines;
    if (const auto extra = extra_repr(); !extra.empty()) lines.push_back(extra);
    for (auto& [n, c] : children_) lines.push_back("(" + n + "): " + indent(c->repr()));
    std::string s = name_ + "(";
    if (lines.size() == 1 && children_.empty()) return s + lines[0] + ")";
    if (!lines.empty()) {
      s += "\n";
      for (auto& l : lines) s += "  " + l + "\n";
    }
    return s + ")";
  }

 private:
  void check_new_name(const std::string& name) const {
    KAON_CHECK(!name.empty() && name.find('.') == std::string::npos, ValueError,
               "register: invalid name \"", name, "\" (must be non-empty and contain no '.')");
    auto taken = [&](const auto& list) {
      return std::find_if(list.begin(), list.end(),
                          [&key = name](auto& kv) { return kv.first == key; }) != list.end();
    };
    KAON_CHECK(!taken(params_) && !taken(buffers_) && !taken(int64_buffers_) && !taken(children_),
               ValueError, "register: \"", name, "\" is already registered in ", name_);
  }
  void collect(io::NamedTensors<T, D>& out, const std::string& prefix, bool recurse, bool params,
               bool buffers) const {
    if (params)
      for (auto& [n, p] : params_)
        if (p.defined()) out.emplace_back(prefix + n, p);
    if (buffers)
      for (auto& [n, b] : buffers_)
        if (b.defined()) out.emplace_back(prefix + n, b);
    if (recurse)
      for (auto& [n, c] : children_) c->collect(out, prefix + n + ".", true, params, buffers);
  }
  void collect_int64(io::NamedTensors<std::int64_t, D>& out, const std::string& prefix) const {
    for (auto& [n, b] : int64_buffers_)
      if (b.defined()) out.emplace_back(prefix + n, b);
    for (auto& [n, c] : children_) c->collect_int64(out, prefix + n + ".");
  }
  static std::string indent(const std::string& s) {
    std::string out;
    for (char c : s) {
      out += c;
      if (c == '\n') out += "  ";
    }
    return out;
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return s;
  }

  std::string name_;
  bool training_ = true;
  io::NamedTensors<T, D> params_, buffers_;
  io::NamedTensors<std::int64_t, D> int64_buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

/// Prints a module as PyTorch does (print(model)).
template <class T, class D>
std::ostream& operator<<(std::ostream& os, const Module<T, D>& m) {
  return os << m.repr();
}

}  // namespace kaon::nn
