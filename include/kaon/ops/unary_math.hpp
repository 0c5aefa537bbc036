// SPDX-License-Identifier: MIT
// More unary math, written like ops/unary.hpp: inverse trig and hyperbolic functions, log1p,
// expm1, erf, erfc (int64 inputs give float), and the piecewise constant sign, floor, ceil and
// trunc (which keep the element type and have zero gradient, as PyTorch's).
#pragma once

#include <numbers>

#include "kaon/ops/unary.hpp"

namespace kaon {
namespace ops {
// clang-format off
// d/dx asin(x) = 1 / sqrt(1 - x^2)
struct Asin : detail::UnaryFunction<Asin, fn::Asin, true, false> {
  static constexpr const char* name = "AsinBackward0"; static constexpr const char* op = "asin";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / sqrt(1 - x * x); }
};
// d/dx acos(x) = -1 / sqrt(1 - x^2)
struct Acos : detail::UnaryFunction<Acos, fn::Acos, true, false> {
  static constexpr const char* name = "AcosBackward0"; static constexpr const char* op = "acos";
  template <class G, class X> static G derivative(const G& g, const X& x) { return -g / sqrt(1 - x * x); }
};
// d/dx atan(x) = 1 / (1 + x^2)
struct Atan : detail::UnaryFunction<Atan, fn::Atan, true, false> {
  static constexpr const char* name = "AtanBackward0"; static constexpr const char* op = "atan";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / (x * x + 1); }
};
// d/dx sinh(x) = cosh(x)
struct Sinh : detail::UnaryFunction<Sinh, fn::Sinh, true, false> {
  static constexpr const char* name = "SinhBackward0"; static constexpr const char* op = "sinh";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g * cosh(x); }
};
// d/dx cosh(x) = sinh(x)
struct Cosh : detail::UnaryFunction<Cosh, fn::Cosh, true, false> {
  static constexpr const char* name = "CoshBackward0"; static constexpr const char* op = "cosh";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g * sinh(x); }
};
// d/dx asinh(x) = 1 / sqrt(x^2 + 1)
struct Asinh : detail::UnaryFunction<Asinh, fn::Asinh, true, false> {
  static constexpr const char* name = "AsinhBackward0"; static constexpr const char* op = "asinh";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / sqrt(x * x + 1); }
};
// d/dx acosh(x) = 1 / sqrt(x^2 - 1)
struct Acosh : detail::UnaryFunction<Acosh, fn::Acosh, true, false> {
  static constexpr const char* name = "AcoshBackward0"; static constexpr const char* op = "acosh";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / sqrt(x * x - 1); }
};
// d/dx atanh(x) = 1 / (1 - x^2)
struct Atanh : detail::UnaryFunction<Atanh, fn::Atanh, true, false> {
  static constexpr const char* name = "AtanhBackward0"; static constexpr const char* op = "atanh";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / (1 - x * x); }
};
// d/dx log(1 + x) = 1 / (1 + x)
struct Log1p : detail::UnaryFunction<Log1p, fn::Log1p, true, false> {
  static constexpr const char* name = "Log1PBackward0"; static constexpr const char* op = "log1p";
  template <class G, class X> static G derivative(const G& g, const X& x) { return g / (x + 1); }
};
// d/dx (exp(x) - 1) = exp(x) = expm1(x) + 1
struct Expm1 : detail::UnaryFunction<Expm1, fn::Expm1, true, true> {
  static constexpr const char* name = "Expm1Backward0"; static constexpr const char* op = "expm1";
  template <class G, class Y> static G derivative(const G& g, const Y& y) { return g * (y + 1); }
};
// d/dx erf(x) = 2 / sqrt(pi) exp(-x^2)
struct Erf : detail::UnaryFunction<Erf, fn::Erf, true, false> {
  static constexpr const char* name = "ErfBackward0"; static constexpr const char* op = "erf";
  template <class G, class X> static G derivative(const G& g, const X& x) {
    return g * exp(-(x * x)) * std::numbers::inv_sqrtpi * 2;
  }
};
// d/dx erfc(x) = -2 / sqrt(pi) exp(-x^2)
struct Erfc : detail::UnaryFunction<Erfc, fn::Erfc, true, false> {
  static constexpr const char* name = "ErfcBackward0"; static constexpr const char* op = "erfc";
  template <class G, class X> static G derivative(const G& g, const X& x) {
    return g * exp(-(x * x)) * (-2 * std::numbers::inv_sqrtpi);
  }
};
// sign, floor, ceil and trunc are piecewise constant: their gradient is 0, as PyTorch's.
struct Sign : detail::UnaryFunction<Sign, fn::Sign, false, false> {
  static constexpr const char* name = "SignBackward0"; static constexpr const char* op = "sign";
  template <class G, class X> static G derivative(const G& g, const X&) { return zeros_like(g); }
};
struct Floor : detail::UnaryFunction<Floor, fn::Floor, false, false> {
  static constexpr const char* name = "FloorBackward0"; static constexpr const char* op = "floor";
  template <class G, class X> static G derivative(const G& g, const X&) { return zeros_like(g); }
};
struct Ceil : detail::UnaryFunction<Ceil, fn::Ceil, false, false> {
  static constexpr const char* name = "CeilBackward0"; static constexpr const char* op = "ceil";
  template <class G, class X> static G derivative(const G& g, const X&) { return zeros_like(g); }
};
struct Trunc : detail::UnaryFunction<Trunc, fn::Trunc, false, false> {
  static constexpr const char* name = "TruncBackward0"; static constexpr const char* op = "trunc";
  template <class G, class X> static G derivative(const G& g, const X&) { return zeros_like(g); }
};
// clang-format on
}  // namespace ops

// clang-format off
/// Inverse trig and hyperbolic functions, log(1 + x), exp(x) - 1 and the error functions; int64
/// inputs give float, as in PyTorch.
template <class T, class D> auto asin(const Tensor<T, D>& x) { return ops::Asin::apply(x); }
template <class T, class D> auto acos(const Tensor<T, D>& x) { return ops::Acos::apply(x); }
template <class T, class D> auto atan(const Tensor<T, D>& x) { return ops::Atan::apply(x); }
template <class T, class D> auto sinh(const Tensor<T, D>& x) { return ops::Sinh::apply(x); }
template <class T, class D> auto cosh(const Tensor<T, D>& x) { return ops::Cosh::apply(x); }
template <class T, class D> auto asinh(const Tensor<T, D>& x) { return ops::Asinh::apply(x); }
template <class T, class D> auto acosh(const Tensor<T, D>& x) { return ops::Acosh::apply(x); }
template <class T, class D> auto atanh(const Tensor<T, D>& x) { return ops::Atanh::apply(x); }
template <class T, class D> auto log1p(const Tensor<T, D>& x) { return ops::Log1p::apply(x); }
template <class T, class D> auto expm1(const Tensor<T, D>& x) { return ops::Expm1::apply(x); }
template <class T, class D> auto erf(const Tensor<T, D>& x) { return ops::Erf::apply(x); }
template <class T, class D> auto erfc(const Tensor<T, D>& x) { return ops::Erfc::apply(x); }
/// -1, 0 or 1; the largest whole number <= x; the smallest >= x; x without its fraction. The
/// element type is kept.
template <class T, class D> Tensor<T, D> sign(const Tensor<T, D>& x) { return ops::Sign::apply(x); }
template <class T, class D> Tensor<T, D> floor(const Tensor<T, D>& x) { return ops::Floor::apply(x); }
template <class T, class D> Tensor<T, D> ceil(const Tensor<T, D>& x) { return ops::Ceil::apply(x); }
template <class T, class D> Tensor<T, D> trunc(const Tensor<T, D>& x) { return ops::Trunc::apply(x); }

// ---- Member forms ---------------------------------------------------------------------------

template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::asin() const { return kaon::asin(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::acos() const { return kaon::acos(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::atan() const { return kaon::atan(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::sinh() const { return kaon::sinh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::cosh() const { return kaon::cosh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::asinh() const { return kaon::asinh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::acosh() const { return kaon::acosh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::atanh() const { return kaon::atanh(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::log1p() const { return kaon::log1p(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::expm1() const { return kaon::expm1(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::erf() const { return kaon::erf(*this); }
template <Element T, class D> Tensor<float_t<T>, D> Tensor<T, D>::erfc() const { return kaon::erfc(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::sign() const { return kaon::sign(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::floor() const { return kaon::floor(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::ceil() const { return kaon::ceil(*this); }
template <Element T, class D> Tensor<T, D> Tensor<T, D>::trunc() const { return kaon::trunc(*this); }
// clang-format on

}  // namespace kaon
