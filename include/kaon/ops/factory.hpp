// SPDX-License-Identifier: MIT
// Factories: tensors from shapes, values, ranges and C++ containers. Element type and device are
// template arguments, defaulting to float and cpu, as torch's default dtype; tensor({1, 2, 3})
// deduces int64 from integer literals as torch.tensor does.
#pragma once

#include <cmath>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "kaon/ops/copy.hpp"

namespace kaon {
namespace detail {

/// The element type torch.tensor picks for a C++ value type: bool, int64 or float.
template <class V>
using default_element_t =
    std::conditional_t<std::is_same_v<V, bool>, bool,
                       std::conditional_t<std::is_integral_v<V>, std::int64_t, float>>;

template <class T, class V>
using chosen_t = std::conditional_t<std::is_void_v<T>, default_element_t<V>, T>;

template <class T, class D>
Tensor<T, D> from_host(const T* values, const Shape& shape) {
  Tensor<T, cpu> host(shape);
  std::copy_n(values, shape.numel(), host.data_ptr());
  return host.template to<D>();
}

template <class T>
struct LinspaceFn {
  T start, end, step;
  std::int64_t steps;
  KAON_HOST_DEVICE T operator()(std::int64_t i) const {
    // Both halves count from their own end, as PyTorch does, so the last value is exactly `end`.
    return i < steps / 2 ? static_cast<T>(start + step * static_cast<T>(i))
                         : static_cast<T>(end - step * static_cast<T>(steps - i - 1));
  }
};

template <class T>
struct ArangeFn {
  double start, step;
  KAON_HOST_DEVICE T operator()(std::int64_t i) const {
    return static_cast<T>(start + step * static_cast<double>(i));
  }
};

template <class T>
struct EyeFn {
  std::int64_t cols;
  KAON_HOST_DEVICE T operator()(std::int64_t i) const {
    return static_cast<T>(i / cols == i % cols);
  }
};

/// A tensor of this shape filled with `value`; a bad shape is an error that names `op`.
template <Element T, class D>
Tensor<T, D> filled(const char* op, const Shape& shape, T value) {
  (void)checked_numel(op, shape);
  Tensor<T, D> t(shape);
  t.fill_(value);
  return t;
}

}  // namespace detail

/// An uninitialised tensor of this shape.
template <Element T = float, class D = cpu>
Tensor<T, D> empty(const Shape& shape) {
  return Tensor<T, D>(shape);
}
/// A tensor of this shape filled with `value`.
template <Element T = float, class D = cpu>
Tensor<T, D> full(const Shape& shape, T value) {
  return detail::filled<T, D>("full", shape, value);
}
/// A tensor of zeros / ones: kaon::zeros({2, 3}), kaon::ones<double>({4}).
template <Element T = float, class D = cpu>
Tensor<T, D> zeros(const Shape& shape) {
  return detail::filled<T, D>("zeros", shape, T(0));
}
template <Element T = float, class D = cpu>
Tensor<T, D> ones(const Shape& shape) {
  return detail::filled<T, D>("ones", shape, T(1));
}
/// Same shape, element type and device as x.
template <class T, class D>
Tensor<T, D> empty_like(const Tensor<T, D>& x) {
  return empty<T, D>(x.shape());
}
template <class T, class D>
Tensor<T, D> zeros_like(const Tensor<T, D>& x) {
  return zeros<T, D>(x.shape());
}
template <class T, class D>
Tensor<T, D> ones_like(const Tensor<T, D>& x) {
  return ones<T, D>(x.shape());
}
/// x's shape and element type filled with `value`, converted to it: full_like(x, 7.0) for a
/// float x, as torch.full_like.
template <class T, class D>
Tensor<T, D> full_like(const Tensor<T, D>& x, std::type_identity_t<T> value) {
  return full<T, D>(x.shape(), value);
}

/// Values start, start + step, ... below end. Integer arguments give int64 (torch.arange(5)),
/// any floating argument gives float unless T is given.
template <class T = void, class D = cpu, Scalar A, Scalar B, Scalar S = int>
auto arange(A start, B end, S step = 1) {
  using E = std::conditional_t < !std::is_void_v<T>, T,
        std::conditional_t < std::is_integral_v<A> && std::is_integral_v<B> &&
            std::is_integral_v<S>,
        std::int64_t, float >>
      ;
  const double s = static_cast<double>(step), a = static_cast<double>(start),
               b = static_cast<double>(end);
  KAON_CHECK(std::isfinite(a) && std::isfinite(b) && std::isfinite(s), ValueError,
             "arange: start, end and step must be finite, got ", a, ", ", b, " and ", s);
  KAON_CHECK(s != 0, ValueError, "arange: step must be nonzero");
  KAON_CHECK((s > 0 && b >= a) || (s < 0 && b <= a), ValueError, "arange: upper bound ", b,
             " and lower bound ", a, " inconsistent with step sign ", s);
  const double count = std::ceil((b - a) / s);
  KAON_CHECK(count < 0x1p63, ValueError, "arange: start ", a, ", end ", b, " and step ", s,
             " give ", count, " elements, more than int64 can count");
  const auto n = static_cast<std::int64_t>(count);
  Tensor<E, D> t({n});
  backend<D>::generate(t.data_ptr(), n, detail::ArangeFn<E>{a, s});
  return t;
}
/// 0, 1, ..., end - 1.
template <class T = void, class D = cpu, Scalar B>
auto arange(B end) {
  return arange<T, D>(0, end, 1);
}

/// `steps` evenly spaced values from start to end inclusive.
template <Element T = float, class D = cpu>
Tensor<T, D> linspace(double start, double end, std::int64_t steps) {
  KAON_CHECK(steps >= 0, ValueError, "linspace: number of steps must be non-negative, got ", steps);
  Tensor<T, D> t({steps});
  if (steps == 1) {
    t.fill_(static_cast<T>(start));
    return t;
  }
  const T step = (static_cast<T>(end) - static_cast<T>(start)) / static_cast<T>(steps - 1);
  backend<D>::generate(
      t.data_ptr(), steps,
      detail::LinspaceFn<T>{static_cast<T>(start), static_cast<T>(end), step, steps});
  return t;
}

/// The n x m identity matrix (m = n by default).
template <Element T = float, class D = cpu>
Tensor<T, D> eye(std::int64_t n, std::int64_t m = -1) {
  KAON_CHECK(n >= 0, ValueError, "eye: n must be non-negative, got ", n);
  KAON_CHECK(m >= -1, ValueError, "eye: m must be non-negative (or -1 for m = n), got ", m);
  if (m < 0) m = n;
  Tensor<T, D> t({n, m});
  backend<D>::generate(t.data_ptr(), n * m, detail::EyeFn<T>{std::max<std::int64_t>(m, 1)});
  return t;
}

/// A tensor from a std::vector, viewed with `shape` (1-D by default).
template <class T, class D = cpu>
Tensor<T, D> from_vector(const std::vector<T>& values, const Shape& shape) {
  KAON_CHECK(shape.numel() == static_cast<std::int64_t>(values.size()), ShapeError,
             "from_vector: ", values.size(), " values do not fill shape ", shape);
  if constexpr (std::is_same_v<T, bool>) {
    const std::vector<char> bytes(values.begin(), values.end());
    return detail::from_host<T, D>(reinterpret_cast<const bool*>(bytes.data()), shape);
  } else {
    return detail::from_host<T, D>(values.data(), shape);
  }
}
template <class T, class D = cpu>
Tensor<T, D> from_vector(const std::vector<T>& values) {
  return from_vector<T, D>(values, Shape{static_cast<std::int64_t>(values.size())});
}

/// A 0-d tensor holding one value: kaon::tensor(3.5f).
template <class T = void, class D = cpu, Scalar V>
auto tensor(V value) {
  using E = detail::chosen_t<T, V>;
  const E v = static_cast<E>(value);
  return detail::from_host<E, D>(&v, Shape{});
}
/// A 1-D tensor from a list: kaon::tensor({1, 2, 3}) is int64, kaon::tensor<float>({1, 2, 3})
/// float.
template <class T = void, class D = cpu, Scalar V>
auto tensor(std::initializer_list<V> values) {
  using E = detail::chosen_t<T, V>;
  std::vector<E> v(values.begin(), values.end());
  return from_vector<E, D>(v);
}
/// A 2-D tensor from nested lists: kaon::tensor({{1, 2, 3}, {4, 5, 6}}).
template <class T = void, class D = cpu, Scalar V>
auto tensor(std::initializer_list<std::initializer_list<V>> rows) {
  using E = detail::chosen_t<T, V>;
  std::vector<E> v;
  const std::int64_t cols = rows.size() ? static_cast<std::int64_t>(rows.begin()->size()) : 0;
  for (const auto& r : rows) {
    KAON_CHECK(static_cast<std::int64_t>(r.size()) == cols, ShapeError,
               "tensor: rows of a nested list differ in length (", cols, " and ", r.size(), ")");
    v.insert(v.end(), r.begin(), r.end());
  }
  return from_vector<E, D>(v, {static_cast<std::int64_t>(rows.size()), cols});
}
/// A 3-D tensor from doubly nested lists.
template <class T = void, class D = cpu, Scalar V>
auto tensor(std::initializer_list<std::initializer_list<std::initializer_list<V>>> blocks) {
  using E = detail::chosen_t<T, V>;
  std::vector<Tensor<E, D>> parts;
  for (const auto& b : blocks) parts.push_back(tensor<E, D>(b));
  KAON_CHECK(!parts.empty(), ShapeError, "tensor: empty nested list");
  Shape shape{static_cast<std::int64_t>(parts.size())};
  for (auto s : parts.front().shape()) shape.push_back(s);
  std::vector<E> v;
  for (const auto& p : parts) {
    KAON_CHECK(p.shape() == parts.front().shape(), ShapeError,
               "tensor: blocks of a nested list differ in shape (", parts.front().shape(), " and ",
               p.shape(), ")");
    const auto pv = p.to_vector();
    v.insert(v.end(), pv.begin(), pv.end());
  }
  return from_vector<E, D>(v, shape);
}

}  // namespace kaon
