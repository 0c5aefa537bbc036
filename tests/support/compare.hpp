// SPDX-License-Identifier: MIT
// Test helpers: build kaon tensors from reference data and compare results with it.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <kaon/kaon.hpp>
#include <string>
#include <vector>

#include "reference/foundation_reference.hpp"

namespace kaon_test {

inline kaon::Shape shape_of(const kaon_ref::Ref& r) {
  return kaon::Shape(std::span<const std::int64_t>(r.shape.data(), r.shape.size()));
}

/// The reference's values as a kaon tensor of element type T.
template <class T>
kaon::Tensor<T> from_ref(const kaon_ref::Ref& r) {
  std::vector<T> v;
  for (double x : r.values) v.push_back(static_cast<T>(x));
  return kaon::from_vector<T>(v, shape_of(r));
}

/// Checks shape, element type and values: exact for int64 and bool, within a relative and
/// absolute tolerance scaled to the element type for floats.
template <class T>
void check_matches(const kaon::Tensor<T>& t, const kaon_ref::Ref& r, double tol = -1) {
  INFO("kaon shape " << t.shape() << ", reference shape " << shape_of(r));
  REQUIRE(t.shape() == shape_of(r));
  REQUIRE(std::string(t.dtype_name()) == r.dtype);
  if (tol < 0) tol = std::is_same_v<T, float> ? 2e-6 : 1e-12;
  const auto got = t.to_vector();
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    const double g = static_cast<double>(got[i]), e = r.values[i];
    if constexpr (std::is_floating_point_v<T>) {
      REQUIRE(std::fabs(g - e) <= tol * std::max(1.0, std::fabs(e)));
    } else {
      REQUIRE(g == e);
    }
  }
}

/// f(x) for x from `input` and the gradient of f(x).sum(), in double, against the reference's
/// value and gradient.
template <class F>
void check_value_and_grad(const std::string& name, const F& f, const kaon_ref::Ref& input,
                          const kaon_ref::Ref& value, const kaon_ref::Ref& grad,
                          double tol = 1e-12) {
  INFO(name);
  auto x = from_ref<double>(input).requires_grad_();
  const kaon::Tensor<double> y = f(x);
  check_matches(y, value, tol);
  y.sum().backward();
  check_matches(x.grad(), grad, tol);
}

}  // namespace kaon_test
