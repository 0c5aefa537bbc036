// SPDX-License-Identifier: MIT
// nn::Sequential: modules applied in order, as torch.nn.Sequential. Children are named "0",
// "1", ... so parameters get PyTorch's names ("0.weight").
//
//   kaon::nn::Sequential model(kaon::nn::Linear(1, 50), kaon::nn::ReLU(), kaon::nn::Linear(50, 1));
//   auto y = model(x);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "kaon/nn/module.hpp"

namespace kaon::nn {

template <class T = float, class D = cpu>
class Sequential : public Module<T, D> {
 public:
  Sequential() : Module<T, D>("Sequential") {}
  /// Built from modules given by value or as shared_ptr.
  template <class M, class... Ms>
  requires(!std::is_same_v<std::decay_t<M>, Sequential>) explicit Sequential(M&& first,
                                                                             Ms&&... rest)
      : Sequential() {
    push_back(std::forward<M>(first));
    (push_back(std::forward<Ms>(rest)), ...);
  }

  /// Appends a module (any type with `Tensor forward(const Tensor&)`).
  template <class M>
  void push_back(std::shared_ptr<M> m) {
    static_assert(std::is_base_of_v<Module<T, D>, M>,
                  "Sequential: elements must be nn modules of the same element type and device");
    this->register_module(std::to_string(layers_.size()), m);
    layers_.push_back({m, [m](const Tensor<T, D>& x) { return m->forward(x); }});
  }
  template <class M>
  requires(!std::is_pointer_v<std::decay_t<M>>) void push_back(M&& m) {
    push_back(std::make_shared<std::decay_t<M>>(std::forward<M>(m)));
  }

  /// Applies every module in order.
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    Tensor<T, D> y = x;
    for (const auto& layer : layers_) y = layer.forward(y);
    return y;
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }

  /// The i-th module (negative counts from the end).
  [[nodiscard]] std::shared_ptr<Module<T, D>> operator[](std::int64_t i) const {
    const auto n = static_cast<std::int64_t>(layers_.size());
    KAON_CHECK(i >= -n && i < n, IndexError, "Sequential: index ", i, " is out of range for ", n,
               " modules");
    return layers_[static_cast<std::size_t>(i < 0 ? i + n : i)].module;
  }
  /// The i-th module as its concrete type: model.at<nn::Linear<>>(0)->weight.
  template <class M>
  [[nodiscard]] std::shared_ptr<M> at(std::int64_t i) const {
    auto m = std::dynamic_pointer_cast<M>((*this)[i]);
    KAON_CHECK(m != nullptr, ValueError, "Sequential: module ", i, " is a ", (*this)[i]->name(),
               ", not the requested type");
    return m;
  }
  [[nodiscard]] std::size_t size() const { return layers_.size(); }
  [[nodiscard]] bool empty() const { return layers_.empty(); }

  struct Layer {
    std::shared_ptr<Module<T, D>> module;
    std::function<Tensor<T, D>(const Tensor<T, D>&)> forward;
  };
  auto begin() const { return layers_.begin(); }
  auto end() const { return layers_.end(); }

 private:
  std::vector<Layer> layers_;
};

template <class M, class... Ms>
Sequential(M&&, Ms&&...)
    -> Sequential<typename std::decay_t<M>::value_type, typename std::decay_t<M>::device_type>;

}  // namespace kaon::nn
