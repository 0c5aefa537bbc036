// SPDX-License-Identifier: MIT
// The four element types and PyTorch's promotion rules between them: bool < int64 < float <
// double; a tensor's category wins over a scalar's only when the scalar is of a higher category
// (int64 tensor + 0.5 gives float, float tensor + 2.0 stays float).
#pragma once

#include <cstdint>
#include <type_traits>

namespace kaon {

template <class T>
inline constexpr bool is_element_v = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                                     std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool>;

template <class T>
concept Element = is_element_v<T>;

/// A C++ arithmetic scalar usable beside a tensor (int, long, float, double, bool).
template <class S>
concept Scalar = std::is_arithmetic_v<S>;

template <class T>
inline constexpr bool is_floating_v = std::is_floating_point_v<T>;

namespace detail {
template <class T>
constexpr int rank_of() {
  if constexpr (std::is_same_v<T, bool>)
    return 0;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return 1;
  else if constexpr (std::is_same_v<T, float>)
    return 2;
  else
    return 3;
}
template <int R>
using type_of_rank = std::conditional_t<
    R == 0, bool,
    std::conditional_t<R == 1, std::int64_t, std::conditional_t<R == 2, float, double>>>;

/// The element type kaon uses for a C++ scalar: bool, int64 or the floating type itself.
template <class S>
using scalar_element_t = std::conditional_t<
    std::is_same_v<S, bool>, bool,
    std::conditional_t<std::is_integral_v<S>, std::int64_t,
                       std::conditional_t<std::is_same_v<S, float>, float, double>>>;

constexpr int category_of_rank(int r) { return r < 2 ? r : 2; }
}  // namespace detail

/// Result type of a binary op between two tensors.
template <class A, class B>
using promote_t = detail::type_of_rank<(
    detail::rank_of<A>() > detail::rank_of<B>() ? detail::rank_of<A>() : detail::rank_of<B>())>;

/// Result type of a binary op between a tensor of T and a C++ scalar S: the scalar raises the
/// result only into a higher category, and then to the default float type (as PyTorch does).
template <class T, class S>
using promote_scalar_t = std::conditional_t<
    (detail::category_of_rank(detail::rank_of<detail::scalar_element_t<S>>()) >
     detail::category_of_rank(detail::rank_of<T>())),
    std::conditional_t<std::is_floating_point_v<S>, float, detail::scalar_element_t<S>>, T>;

/// Type of true division and of floating math (sqrt, exp, ...) on T: integers give float.
template <class T>
using float_t = std::conditional_t<std::is_floating_point_v<T>, T, float>;

/// Type of sum/prod: bool and int64 sum to int64, floats keep their type.
template <class T>
using sum_t = std::conditional_t<std::is_same_v<T, bool>, std::int64_t, T>;

/// PyTorch's name of the element type, for printing ("float32", "int64").
template <class T>
constexpr const char* dtype_name() {
  if constexpr (std::is_same_v<T, float>)
    return "float32";
  else if constexpr (std::is_same_v<T, double>)
    return "float64";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "int64";
  else
    return "bool";
}

}  // namespace kaon
