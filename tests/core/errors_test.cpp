// SPDX-License-Identifier: MIT
// Failing ops throw the right kaon::Error subclass, name the op, bracket shapes, keep inputs.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <stdexcept>
#include <type_traits>
#include <vector>

using Catch::Contains;

TEST_CASE("The error kinds form PyTorch's hierarchy under kaon::Error", "[errors]") {
  STATIC_REQUIRE(std::is_base_of_v<kaon::Error, kaon::ShapeError>);
  STATIC_REQUIRE(std::is_base_of_v<kaon::Error, kaon::ValueError>);
  STATIC_REQUIRE(std::is_base_of_v<kaon::ValueError, kaon::IndexError>);
  STATIC_REQUIRE(std::is_base_of_v<kaon::Error, kaon::DeviceError>);
  STATIC_REQUIRE(std::is_base_of_v<kaon::Error, kaon::IOError>);
  STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, kaon::Error>);
}

TEST_CASE("Adding tensors of 3 and 4 elements is a shape error naming add", "[errors]") {
  const auto a = kaon::tensor({1, 2, 3});
  const auto b = kaon::tensor({1, 2, 3, 4});
  REQUIRE_THROWS_AS(a + b, kaon::ShapeError);
  REQUIRE_THROWS_AS(a + b, kaon::Error);
  REQUIRE_THROWS_WITH(a + b, Contains("add") && Contains("[3]") && Contains("[4]"));
}

TEST_CASE("A matmul with unequal inner dims is a shape error showing both shapes", "[errors]") {
  const auto a = kaon::zeros({2, 3});
  const auto b = kaon::zeros({4, 5});
  REQUIRE_THROWS_AS(kaon::matmul(a, b), kaon::ShapeError);
  REQUIRE_THROWS_AS(kaon::matmul(a, b), kaon::Error);
  REQUIRE_THROWS_WITH(kaon::matmul(a, b),
                      Contains("matmul") && Contains("[2, 3]") && Contains("[4, 5]"));
}

TEST_CASE("A dim out of range is a value error naming the op and the dim", "[errors]") {
  const auto x = kaon::zeros({3, 2});

  SECTION("sum") {
    REQUIRE_THROWS_AS(x.sum(5), kaon::ValueError);
    REQUIRE_THROWS_AS(x.sum(5), kaon::Error);
    REQUIRE_THROWS_WITH(x.sum(5), Contains("sum") && Contains("dim 5"));
  }
  SECTION("transpose") {
    REQUIRE_THROWS_AS(x.transpose(0, 3), kaon::ValueError);
    REQUIRE_THROWS_AS(x.transpose(0, 3), kaon::Error);
    REQUIRE_THROWS_WITH(x.transpose(0, 3), Contains("transpose") && Contains("dim 3"));
  }
  SECTION("unsqueeze") {
    REQUIRE_THROWS_AS(x.unsqueeze(4), kaon::ValueError);
    REQUIRE_THROWS_AS(x.unsqueeze(4), kaon::Error);
    REQUIRE_THROWS_WITH(x.unsqueeze(4), Contains("unsqueeze") && Contains("dim 4"));
  }
}

TEST_CASE("An index out of range is an index error naming the op, the index and the shape",
          "[errors]") {
  const auto x = kaon::zeros({3, 2});

  SECTION("select") {
    REQUIRE_THROWS_AS(x.select(0, 7), kaon::IndexError);
    REQUIRE_THROWS_AS(x.select(0, 7), kaon::ValueError);
    REQUIRE_THROWS_AS(x.select(0, 7), kaon::Error);
    REQUIRE_THROWS_WITH(x.select(0, 7), Contains("select") && Contains("7") && Contains("[3, 2]"));
  }
  SECTION("index_select") {
    const auto index = kaon::tensor({0, 5});
    REQUIRE_THROWS_AS(x.index_select(0, index), kaon::IndexError);
    REQUIRE_THROWS_AS(x.index_select(0, index), kaon::ValueError);
    REQUIRE_THROWS_AS(x.index_select(0, index), kaon::Error);
    REQUIRE_THROWS_WITH(x.index_select(0, index),
                        Contains("index_select") && Contains("5") && Contains("[3, 2]"));
  }
}

TEST_CASE("A mask of the wrong shape is a shape error showing both shapes", "[errors]") {
  const auto x = kaon::zeros({3, 2});

  SECTION("x[mask] with a [4] mask on a [3, 2] tensor") {
    const auto mask = kaon::tensor({true, false, true, false});
    REQUIRE_THROWS_AS(x[mask], kaon::ShapeError);
    REQUIRE_THROWS_AS(x[mask], kaon::Error);
    REQUIRE_THROWS_WITH(x[mask], Contains("[4]") && Contains("[3, 2]"));
  }
  SECTION("masked_select with a mask that does not broadcast") {
    const auto mask = kaon::tensor({true, false, true});
    REQUIRE_THROWS_AS(x.masked_select(mask), kaon::ShapeError);
    REQUIRE_THROWS_AS(x.masked_select(mask), kaon::Error);
    REQUIRE_THROWS_WITH(x.masked_select(mask),
                        Contains("masked_select") && Contains("[3]") && Contains("[3, 2]"));
  }
}

TEST_CASE("item() of a tensor with many elements is a value error giving the count", "[errors]") {
  const auto x = kaon::tensor<float>({1, 2, 3});
  REQUIRE_THROWS_AS(x.item(), kaon::ValueError);
  REQUIRE_THROWS_AS(x.item(), kaon::Error);
  REQUIRE_THROWS_WITH(x.item(), Contains("item") && Contains("3 elements") && Contains("[3]"));
}

TEST_CASE("A reshape or view to an impossible shape is a shape error", "[errors]") {
  const auto x = kaon::arange<float>(6);

  SECTION("reshape to a shape of another size") {
    REQUIRE_THROWS_AS(x.reshape({4, 4}), kaon::ShapeError);
    REQUIRE_THROWS_AS(x.reshape({4, 4}), kaon::Error);
    REQUIRE_THROWS_WITH(x.reshape({4, 4}),
                        Contains("reshape") && Contains("[4, 4]") && Contains("[6]"));
  }
  SECTION("reshape with two inferred dims") {
    REQUIRE_THROWS_AS(x.reshape({-1, -1}), kaon::ShapeError);
    REQUIRE_THROWS_AS(x.reshape({-1, -1}), kaon::Error);
    REQUIRE_THROWS_WITH(x.reshape({-1, -1}), Contains("reshape") && Contains("[-1, -1]"));
  }
  SECTION("view of a non-contiguous tensor") {
    const auto t = x.reshape({2, 3}).t();
    REQUIRE_THROWS_AS(t.view({6}), kaon::ShapeError);
    REQUIRE_THROWS_AS(t.view({6}), kaon::Error);
    REQUIRE_THROWS_WITH(t.view({6}), Contains("view") && Contains("[3, 2]"));
  }
}

TEST_CASE("Joining tensors of mismatched shapes is a shape error showing both shapes", "[errors]") {
  const auto a = kaon::zeros({2, 3});
  const auto b = kaon::zeros({2, 4});

  SECTION("cat") {
    REQUIRE_THROWS_AS(kaon::cat({a, b}, 0), kaon::ShapeError);
    REQUIRE_THROWS_AS(kaon::cat({a, b}, 0), kaon::Error);
    REQUIRE_THROWS_WITH(kaon::cat({a, b}, 0),
                        Contains("cat") && Contains("[2, 3]") && Contains("[2, 4]"));
  }
  SECTION("stack") {
    REQUIRE_THROWS_AS(kaon::stack({a, b}), kaon::ShapeError);
    REQUIRE_THROWS_AS(kaon::stack({a, b}), kaon::Error);
    REQUIRE_THROWS_WITH(kaon::stack({a, b}),
                        Contains("stack") && Contains("[2, 3]") && Contains("[2, 4]"));
  }
}

TEST_CASE("Expanding to an incompatible size is a shape error showing both shapes", "[errors]") {
  const auto x = kaon::zeros({2, 3});
  REQUIRE_THROWS_AS(x.expand({2, 4}), kaon::ShapeError);
  REQUIRE_THROWS_AS(x.expand({2, 4}), kaon::Error);
  REQUIRE_THROWS_WITH(x.expand({2, 4}),
                      Contains("expand") && Contains("[2, 3]") && Contains("[2, 4]"));
}

TEST_CASE("A permutation with a repeated dim is a value error naming the dims", "[errors]") {
  const auto x = kaon::zeros({2, 3});
  REQUIRE_THROWS_AS(x.permute({0, 0}), kaon::ValueError);
  REQUIRE_THROWS_AS(x.permute({0, 0}), kaon::Error);
  REQUIRE_THROWS_WITH(x.permute({0, 0}), Contains("permute") && Contains("[0, 0]"));
}

TEST_CASE("Factories reject bad arguments with a value error naming the factory", "[errors]") {
  SECTION("randint with low == high") {
    REQUIRE_THROWS_AS(kaon::randint(5, 5, {3}), kaon::ValueError);
    REQUIRE_THROWS_AS(kaon::randint(5, 5, {3}), kaon::Error);
    REQUIRE_THROWS_WITH(kaon::randint(5, 5, {3}), Contains("randint") && Contains("5"));
  }
  SECTION("arange with a zero step") {
    REQUIRE_THROWS_AS(kaon::arange(0, 10, 0), kaon::ValueError);
    REQUIRE_THROWS_AS(kaon::arange(0, 10, 0), kaon::Error);
    REQUIRE_THROWS_WITH(kaon::arange(0, 10, 0), Contains("arange") && Contains("step"));
  }
  SECTION("linspace with a negative number of steps") {
    REQUIRE_THROWS_AS(kaon::linspace(0, 1, -1), kaon::ValueError);
    REQUIRE_THROWS_AS(kaon::linspace(0, 1, -1), kaon::Error);
    REQUIRE_THROWS_WITH(kaon::linspace(0, 1, -1), Contains("linspace") && Contains("-1"));
  }
}

TEST_CASE("from_vector with too few values for the shape is a shape error", "[errors]") {
  const std::vector<float> values{1, 2, 3};
  REQUIRE_THROWS_AS(kaon::from_vector(values, {2, 2}), kaon::ShapeError);
  REQUIRE_THROWS_AS(kaon::from_vector(values, {2, 2}), kaon::Error);
  REQUIRE_THROWS_WITH(kaon::from_vector(values, {2, 2}),
                      Contains("from_vector") && Contains("3") && Contains("[2, 2]"));
}

TEST_CASE("A failed op leaves its inputs unchanged and usable", "[errors]") {
  const std::vector<float> xs{1, 2, 3, 4, 5, 6};
  auto x = kaon::from_vector(xs, {3, 2});
  const auto version = x.version();

  SECTION("out-of-place ops") {
    CHECK_THROWS_AS(x + kaon::zeros({4}), kaon::ShapeError);
    CHECK_THROWS_AS(kaon::matmul(x, kaon::zeros({3, 2})), kaon::ShapeError);
    CHECK_THROWS_AS(x.select(0, 7), kaon::IndexError);
    CHECK_THROWS_AS(x.reshape({4, 4}), kaon::ShapeError);
    CHECK_THROWS_AS(kaon::cat({x, kaon::zeros({3, 3})}, 0), kaon::ShapeError);
    CHECK_THROWS_AS(x[kaon::tensor({true, false, true, false})], kaon::ShapeError);
  }
  SECTION("in-place ops whose operand does not broadcast") {
    CHECK_THROWS_AS(x += kaon::zeros({4}), kaon::ShapeError);
    CHECK_THROWS_AS(x *= kaon::zeros({2, 3, 2}), kaon::ShapeError);
    CHECK_THROWS_AS(x.copy_(kaon::zeros({2, 2})), kaon::ShapeError);
    CHECK(x.version() == version);
  }

  CHECK(x.shape() == kaon::Shape{3, 2});
  CHECK(x.to_vector() == xs);
  // The tensor still works after the failures.
  const auto y = x + 1.0f;
  const std::vector<float> expected{2, 3, 4, 5, 6, 7};
  CHECK(y.to_vector() == expected);
}

TEST_CASE("In-place writes whose result would depend on loop order are value errors, as in PyTorch",
          "[errors]") {
  using Catch::Matchers::Contains;
  auto x = kaon::arange<float>(4).reshape({2, 2});
  REQUIRE_THROWS_AS(x += x.t(), kaon::ValueError);
  REQUIRE_THROWS_WITH(x += x.t(), Contains("add_") && Contains("single memory location"));
  REQUIRE_THROWS_WITH(x.copy_(x.t()), Contains("copy_") && Contains("[2, 2]"));
  auto b = kaon::zeros({3});
  auto e = b.expand({4, 3});
  REQUIRE_THROWS_AS(e += 1.0f, kaon::ValueError);
  REQUIRE_THROWS_WITH(e.fill_(1.0f), Contains("fill_") && Contains("[4, 3]") && Contains("[0, 1]"));
  CHECK(b.to_vector() == std::vector<float>{0, 0, 0});
  CHECK(x.to_vector() == std::vector<float>{0, 1, 2, 3});
  // Allowed, as in PyTorch: the same elements in the same order, and non-dense column views.
  x += x;
  CHECK(x.to_vector() == std::vector<float>{0, 2, 4, 6});
  auto c0 = x.select(1, 0);
  c0 += x.select(1, 1);
  CHECK(x.to_vector() == std::vector<float>{2, 2, 10, 6});
}
