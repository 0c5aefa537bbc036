// SPDX-License-Identifier: MIT
// StandardScaler, polynomial_features and train_test_split against scikit-learn
// (tools/gen_data_reference.py), and DataLoader batching and shuffling.
#include <algorithm>
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <set>

#include "reference/data_reference.hpp"
#include "support/compare.hpp"

namespace data = kaon::data;
namespace data_ref = kaon_ref::data;
using kaon_test::check_matches;
using kaon_test::from_ref;

TEST_CASE("StandardScaler matches scikit-learn, population std and constant columns",
          "[data][scaler]") {
  data::StandardScaler scaler;
  const auto x = from_ref<double>(data_ref::scaler_x);
  const auto xs = scaler.fit_transform(x);
  check_matches(scaler.mean(), data_ref::scaler_mean);
  check_matches(scaler.var(), data_ref::scaler_var);
  check_matches(scaler.scale(), data_ref::scaler_scale);
  check_matches(xs, data_ref::scaler_transformed);
  const auto other = from_ref<double>(data_ref::scaler_other);
  check_matches(scaler.transform(other), data_ref::scaler_other_transformed);
  check_matches(scaler.inverse_transform(other), data_ref::scaler_other_inverse);
  check_matches(scaler.inverse_transform(scaler.transform(other)), data_ref::scaler_other);

  // Float input keeps its type; the statistics stay in double as scikit-learn's.
  const auto xf = scaler.fit_transform(from_ref<float>(data_ref::scaler_x));
  STATIC_REQUIRE(std::is_same_v<decltype(xf), const kaon::Tensor<float>>);
  check_matches(xf.to<double>(), data_ref::scaler_transformed, 1e-6);
}

TEST_CASE("StandardScaler errors", "[data][scaler][errors]") {
  data::StandardScaler scaler;
  REQUIRE_THROWS_WITH(scaler.transform(kaon::ones({2, 3})), Catch::Contains("call fit() first"));
  scaler.fit(kaon::rand({10, 3}));
  REQUIRE_THROWS_AS(scaler.transform(kaon::ones({2, 4})), kaon::ShapeError);
  REQUIRE_THROWS_WITH(scaler.transform(kaon::ones({2, 4})),
                      Catch::Contains("expected [rows, 3], got [2, 4]"));
  REQUIRE_THROWS_AS(scaler.fit(kaon::ones({5})), kaon::ShapeError);
}

TEST_CASE("polynomial_features uses scikit-learn's column order", "[data][polynomial]") {
  const auto x2 = from_ref<double>(data_ref::poly_x2);
  check_matches(data::polynomial_features(x2, 2), data_ref::poly_x2_d2_bias);
  check_matches(data::polynomial_features(x2, 3, false), data_ref::poly_x2_d3_nobias);
  check_matches(data::polynomial_features(from_ref<double>(data_ref::poly_x1), 4, false),
                data_ref::poly_x1_d4_nobias);
  check_matches(data::polynomial_features(from_ref<double>(data_ref::poly_x3), 2),
                data_ref::poly_x3_d2_bias);
  REQUIRE_THROWS_AS(data::polynomial_features(kaon::ones({3}), 2), kaon::ShapeError);
  REQUIRE_THROWS_AS(data::polynomial_features(kaon::ones({3, 1}), 0, false), kaon::ValueError);
}

TEST_CASE("polynomial_features is differentiable", "[data][polynomial][autograd]") {
  auto x = kaon::tensor<double>({{0.5, -1.5}, {2.0, 0.25}}).requires_grad_();
  data::polynomial_features(x, 3, false).sum().backward();
  // d/da of (a + b + a^2 + ab + b^2 + a^3 + a^2 b + a b^2 + b^3).
  const auto g = x.grad().to_vector();
  auto da = [](double a, double b) { return 1 + 2 * a + b + 3 * a * a + 2 * a * b + b * b; };
  REQUIRE(g[0] == Approx(da(0.5, -1.5)));
  REQUIRE(g[1] == Approx(da(-1.5, 0.5)));
  REQUIRE(g[2] == Approx(da(2.0, 0.25)));
}

TEST_CASE("train_test_split has scikit-learn's sizes and a seeded shuffle", "[data][split]") {
  const auto& cases = data_ref::split_cases;
  for (std::size_t r = 0; r < 7; ++r) {
    const auto n = static_cast<std::int64_t>(cases.values[r * 4]);
    const double test_size = cases.values[r * 4 + 1] / 1000.0;
    const auto [n_train, n_test] = data::split_sizes(n, test_size);
    INFO("n " << n << " test_size " << test_size);
    REQUIRE(n_train == static_cast<std::int64_t>(cases.values[r * 4 + 2]));
    REQUIRE(n_test == static_cast<std::int64_t>(cases.values[r * 4 + 3]));
  }

  const auto x = kaon::arange<double>(0, 20).reshape({10, 2});
  const auto y = kaon::arange<std::int64_t>(0, 10);
  const auto [x_train, x_test, y_train, y_test] =
      data::train_test_split(x, y, {.test_size = 0.25, .seed = 7});
  REQUIRE(x_train.shape() == kaon::Shape{7, 2});
  REQUIRE(x_test.shape() == kaon::Shape{3, 2});
  // Rows stay paired and every row lands in exactly one part.
  REQUIRE((x_train.select(1, 0) == (y_train * 2).to<double>()).all().item());
  REQUIRE((x_test.select(1, 0) == (y_test * 2).to<double>()).all().item());
  std::set<std::int64_t> seen;
  for (auto v : y_train.to_vector()) seen.insert(v);
  for (auto v : y_test.to_vector()) seen.insert(v);
  REQUIRE(seen.size() == 10);
  // The same seed gives the same split; another seed another one.
  REQUIRE(data::train_test_split(x, y, {.test_size = 0.25, .seed = 7}).y_test.to_vector() ==
          y_test.to_vector());
  REQUIRE(data::train_test_split(x, y, {.test_size = 0.25, .seed = 8}).y_test.to_vector() !=
          y_test.to_vector());
  // Without a seed, manual_seed makes it reproducible.
  kaon::manual_seed(3);
  const auto a = data::train_test_split(x, y, {.test_size = 3}).y_test.to_vector();
  kaon::manual_seed(3);
  REQUIRE(data::train_test_split(x, y, {.test_size = 3}).y_test.to_vector() == a);
  // shuffle = false: the first rows train, the last test, as scikit-learn.
  const auto plain = data::train_test_split(x, y, {.test_size = 0.2, .shuffle = false});
  REQUIRE(plain.y_train.to_vector() == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  REQUIRE(plain.y_test.to_vector() == std::vector<std::int64_t>{8, 9});

  // Any number of arrays split alike, as scikit-learn's train_test_split(*arrays): the same
  // rows as the two-array form with the same seed.
  const auto w = kaon::arange<float>(0, 10) * 0.5f;
  const auto [x_tr, x_te, y_tr, y_te, w_tr, w_te] =
      data::train_test_split(x, y, w, data::SplitOptions{.test_size = 0.25, .seed = 7});
  REQUIRE(y_te.to_vector() == y_test.to_vector());
  REQUIRE(x_tr.to_vector() == x_train.to_vector());
  REQUIRE((w_tr == y_tr.to<float>() * 0.5f).all().item());
  REQUIRE((w_te == y_te.to<float>() * 0.5f).all().item());
  const auto [only_train, only_test] =
      data::train_test_split(y, data::SplitOptions{.test_size = 0.25, .seed = 7});
  REQUIRE(only_test.to_vector() == y_test.to_vector());
  REQUIRE_THROWS_WITH(data::train_test_split(x, y, kaon::zeros({9}), data::SplitOptions{}),
                      Catch::Contains("train_test_split: array 2 has shape [9]; every array "
                                      "needs the 10 rows of the first"));

  REQUIRE_THROWS_AS(data::train_test_split(x, y, {.test_size = 1.5}), kaon::ValueError);
  REQUIRE_THROWS_AS(data::train_test_split(x, y, {.test_size = 10}), kaon::ValueError);
  REQUIRE_THROWS_AS(data::train_test_split(x, kaon::arange<std::int64_t>(0, 9)), kaon::ShapeError);
}

TEST_CASE("DataLoader batches, shuffles per pass and drops the last batch on request",
          "[data][loader]") {
  const auto x = kaon::arange<float>(0, 20).reshape({10, 2});
  const auto y = kaon::arange<std::int64_t>(0, 10);
  data::TensorDataset dataset(x, y);
  REQUIRE(dataset.size() == 10);
  REQUIRE(dataset[3].second.item() == 3);

  data::DataLoader in_order(dataset, {.batch_size = 4});
  REQUIRE(in_order.size() == 3);
  std::vector<std::int64_t> sizes, labels;
  for (auto [xb, yb] : in_order) {
    sizes.push_back(xb.size(0));
    for (auto v : yb.to_vector()) labels.push_back(v);
    REQUIRE((xb.select(1, 1) == (yb * 2 + 1).to<float>()).all().item());
  }
  REQUIRE(sizes == std::vector<std::int64_t>{4, 4, 2});
  REQUIRE(labels == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Batches are copies, as PyTorch's collate makes: changing one leaves the dataset alone.
  for (auto [xb, yb] : in_order) xb.fill_(-1.0f);
  REQUIRE(x.min().item() == 0.0f);

  data::DataLoader dropping(dataset, {.batch_size = 4, .drop_last = true});
  REQUIRE(dropping.size() == 2);
  std::int64_t batches = 0;
  for (auto [xb, yb] : dropping) batches += xb.size(0) == 4;
  REQUIRE(batches == 2);

  auto pass = [](auto& loader) {
    std::vector<std::int64_t> order;
    for (auto [xb, yb] : loader) {
      REQUIRE((xb.select(1, 0) == (yb * 2).template to<float>()).all().item());
      for (auto v : yb.to_vector()) order.push_back(v);
    }
    return order;
  };
  data::DataLoader shuffled(dataset, {.batch_size = 3, .shuffle = true, .seed = 11});
  const auto first = pass(shuffled), second = pass(shuffled);
  REQUIRE(std::is_permutation(first.begin(), first.end(), labels.begin()));
  REQUIRE(first != second);  // a new order every pass
  data::DataLoader again(dataset, {.batch_size = 3, .shuffle = true, .seed = 11});
  REQUIRE(pass(again) == first);  // the same seed, the same sequence of passes
  REQUIRE(pass(again) == second);

  kaon::manual_seed(5);
  data::DataLoader global(dataset, {.batch_size = 3, .shuffle = true});
  const auto g1 = pass(global);
  kaon::manual_seed(5);
  REQUIRE(pass(global) == g1);

  REQUIRE_THROWS_AS(data::DataLoader(dataset, {.batch_size = 0}), kaon::ValueError);
  REQUIRE_THROWS_AS(data::TensorDataset(x, kaon::arange<std::int64_t>(0, 9)), kaon::ShapeError);
}
