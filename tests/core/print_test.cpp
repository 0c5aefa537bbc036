// SPDX-License-Identifier: MIT
// operator<< on tensors against PyTorch's str(tensor) with default print options.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <limits>
#include <sstream>
#include <string>

#include "reference/foundation_reference.hpp"

namespace {

template <class T, class D>
std::string str(const kaon::Tensor<T, D>& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

}  // namespace

TEST_CASE("Integer tensors print as PyTorch prints them", "[print]") {
  CHECK(str(kaon::tensor({1, 2, 3})) == kaon_ref::print_int_1d);
  CHECK(str(kaon::tensor(7)) == kaon_ref::print_0d_int);
}

TEST_CASE("A wide integer value pads every column to its width", "[print]") {
  CHECK(str(kaon::tensor({{-10, 2}, {3, 400}})) == kaon_ref::print_int_neg);
}

TEST_CASE("Float tensors print with four decimals in right-aligned columns", "[print]") {
  CHECK(str(kaon::tensor<float>({1.0, 2.5, -3.25})) == kaon_ref::print_float_1d);
  CHECK(str(kaon::tensor<float>({{1.5, -2.25}, {3.125, 4.0}})) == kaon_ref::print_float_2d);
  CHECK(str(kaon::tensor(3.5f)) == kaon_ref::print_0d_float);
}

TEST_CASE("Integer-valued float tensors print in integer mode", "[print]") {
  CHECK(str(kaon::tensor<float>({1., 2., 30.})) == kaon_ref::print_float_int_valued);
}

TEST_CASE("A 3-d tensor prints blocks separated by a blank line", "[print]") {
  const auto t = kaon::arange<float>(12).reshape({2, 3, 2}) / 4.0f;
  CHECK(str(t) == kaon_ref::print_float_3d);
}

TEST_CASE("Wide or tiny float ranges print in scientific notation", "[print]") {
  CHECK(str(kaon::tensor<float>({1.0e-5, 2.5, 3.0e6})) == kaon_ref::print_float_sci);
  CHECK(str(kaon::tensor<float>({123456789.0, 1.5})) == kaon_ref::print_float_big);
  CHECK(str(kaon::tensor<float>({-0.0001, 0.5})) == kaon_ref::print_negzero_small);
}

TEST_CASE("Bool tensors print True and False right-aligned", "[print]") {
  CHECK(str(kaon::tensor({true, false, true})) == kaon_ref::print_bool);
  CHECK(str(kaon::tensor({{true}, {false}})) == kaon_ref::print_bool_2d);
  CHECK(str(kaon::tensor(true)) == kaon_ref::print_0d_bool);
}

TEST_CASE("Double tensors print their dtype", "[print]") {
  CHECK(str(kaon::tensor<double>({1.5, 2.0})) == kaon_ref::print_double);
}

TEST_CASE("An empty tensor prints as an empty list", "[print]") {
  CHECK(str(kaon::zeros({0})) == kaon_ref::print_empty);
}

TEST_CASE("Tensors above the threshold print a summary with an ellipsis", "[print]") {
  CHECK(str(kaon::arange(2000)) == kaon_ref::print_long_1d);
  CHECK(str(kaon::arange<float>(3000).reshape({1000, 3})) == kaon_ref::print_long_2d);
}

TEST_CASE("NaN and infinities print by name, padded like the numbers", "[print]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(str(kaon::tensor<float>({nan, inf, -inf, 1.5f})) == kaon_ref::print_nan_inf);
}

TEST_CASE("A non-contiguous view prints the same as its contiguous copy", "[print]") {
  const auto base = kaon::arange<float>(12).reshape({2, 3, 2}) / 4.0f;

  SECTION("a transpose") {
    const auto v = base.transpose(0, 2);
    REQUIRE_FALSE(v.is_contiguous());
    CHECK(str(v) == str(v.contiguous()));
  }
  SECTION("a strided slice") {
    const auto v = base.slice(1, 0, 3, 2);
    REQUIRE_FALSE(v.is_contiguous());
    CHECK(str(v) == str(v.clone()));
  }
  SECTION("the reference 3-d tensor read through a transposed copy") {
    const auto v = base.transpose(1, 2).contiguous().transpose(1, 2);
    REQUIRE_FALSE(v.is_contiguous());
    CHECK(str(v) == kaon_ref::print_float_3d);
  }
}
