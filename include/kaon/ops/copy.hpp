// SPDX-License-Identifier: MIT
// Copies and conversions: contiguous, clone, detach, element-type casts, device moves, fill_,
// copy_, and reading elements back (item, to_vector).
#pragma once

#include <type_traits>
#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/ops/elementwise.hpp"
#include "kaon/ops/functors.hpp"

namespace kaon {
namespace detail {
/// Moves tensors from device From to device To; the CUDA backend specialises it.
template <class To, class From>
struct device_transfer {
  static_assert(sizeof(To) == 0,
                "moving a tensor between devices needs the CUDA backend: include <kaon/cuda.cuh> "
                "from a .cu file that nvcc compiles");
};
}  // namespace detail

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::contiguous() const {
  return is_contiguous() ? *this : clone();
}

namespace ops {
// d/dx clone(x) = 1
struct Clone : autograd::Function<Clone> {
  static constexpr const char* name = "CloneBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>&, const Tensor<T, D>& x) {
    return detail::map<T, D>("clone", fn::Identity<T>{}, x);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>&, const detail::grads_t<T, D>& g) {
    return {g[0]};
  }
};

/// The node of a conversion between float and double: the gradient converts back.
template <class From, class To, class D>
struct CastBackward final : autograd::Node<D> {
  [[nodiscard]] const char* name() const override { return "ToCopyBackward0"; }
  autograd::GradList<D> apply(autograd::Grad<D>&& g) override {
    return {std::get<Tensor<To, D>>(g).template cast<From>()};
  }
  autograd::Grad<D> add(autograd::Grad<D>&& a, autograd::Grad<D>&& b) const override {
    return autograd::add_grads<To, D>(name(), std::move(a), std::move(b));
  }
};
}  // namespace ops

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::clone() const {
  return ops::Clone::apply(*this);
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::detach() const {
  return Tensor(*this, storage_offset(), shape(), strides());
}

template <Element T, class D>
template <Element U>
Tensor<U, D> Tensor<T, D>::cast() const {
  if constexpr (std::is_same_v<U, T>) {
    return *this;
  } else {
    Tensor<U, D> out = detail::map<U, D>("to", fn::Identity<T>{}, *this);
    if constexpr (std::is_floating_point_v<T> && std::is_floating_point_v<U>) {
      if (autograd::GradMode::is_enabled() && requires_grad()) {
        auto [node, owner] = autograd::make_node<ops::CastBackward<T, U, D>, D>();
        node->next_edges.push_back(autograd::gradient_edge(*this));
        out.impl().autograd = detail::make_pooled<autograd::AutogradMeta<D>>();
        out.impl().autograd->grad_fn = std::move(owner);
      }
    }
    return out;
  }
}

template <Element T, class D>
template <class X>
auto Tensor<T, D>::to() const {
  if constexpr (is_device_v<X>) {
    if constexpr (std::is_same_v<X, D>) {
      return *this;
    } else {
      return detail::device_transfer<X, D>::run(*this);
    }
  } else {
    return cast<X>();
  }
}

template <Element T, class D>
Tensor<T, D>& Tensor<T, D>::fill_(T v) {
  detail::check_in_place("fill_", *this);
  detail::check_not_recorded("fill_", *this);
  if (is_contiguous())
    backend<D>::fill(this->data_ptr(), numel(), v);
  else
    detail::apply_into("fill_", *this, fn::Identity<T>{}, Tensor<T, D>(Shape{}).fill_(v));
  bump_version();
  return *this;
}

template <Element T, class D>
template <Element U>
Tensor<T, D>& Tensor<T, D>::copy_(const Tensor<U, D>& src) {
  detail::check_in_place("copy_", *this, src);
  detail::check_not_recorded("copy_", *this);
  detail::check_operand_not_recorded("copy_", src);
  detail::apply_into("copy_", *this, fn::Identity<T>{}, src);
  bump_version();
  return *this;
}

template <Element T, class D>
std::vector<T> Tensor<T, D>::to_vector() const {
  const Tensor<T, cpu> host = detach().contiguous().template to<cpu>();
  const T* p = host.data_ptr();
  return std::vector<T>(p, p + host.numel());
}

template <Element T, class D>
template <class U>
U Tensor<T, D>::item() const {
  KAON_CHECK(numel() == 1, ValueError, "item: a Tensor with ", numel(),
             " elements cannot be converted to a scalar (shape ", shape(), ")");
  if constexpr (std::is_same_v<D, cpu>) {
    return static_cast<U>(*this->data_ptr());
  } else {
    return static_cast<U>(to_vector()[0]);
  }
}

}  // namespace kaon
