// SPDX-License-Identifier: MIT
// Ops the ported analyses needed: ordering (sort, argsort, topk, kthvalue, quantile), cumsum,
// diff, tril, triu, diag, one_hot and unbind, against PyTorch (tools/gen_api_reference.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace analysis_ops_test {
namespace ref = kaon_ref::api;
using kaon_test::check_matches;
using kaon_test::check_value_and_grad;
using kaon_test::from_ref;
using T64 = kaon::Tensor<double>;

}  // namespace analysis_ops_test

using namespace analysis_ops_test;

TEST_CASE("sort, argsort, topk and kthvalue match PyTorch, ties and NaN included", "[api][ops]") {
  const auto x = from_ref<double>(ref::ord_x);
  // clang-format off
  check_value_and_grad("sort(1)", [](const T64& a) { return a.sort(1).values; }, ref::ord_x, ref::ord_sort1, ref::ord_sort1_grad0);
  check_value_and_grad("sort(0, descending)", [](const T64& a) { return kaon::sort(a, 0, true).values; }, ref::ord_x, ref::ord_sort0_desc, ref::ord_sort0_desc_grad0);
  check_value_and_grad("topk(2, 1)", [](const T64& a) { return a.topk(2, 1).values; }, ref::ord_x, ref::ord_top2, ref::ord_top2_grad0);
  check_value_and_grad("topk(2, 0, smallest)", [](const T64& a) { return kaon::topk(a, 2, 0, false).values; }, ref::ord_x, ref::ord_bottom2_dim0, ref::ord_bottom2_dim0_grad0);
  check_value_and_grad("kthvalue(2, 1)", [](const T64& a) { return a.kthvalue(2, 1).values; }, ref::ord_x, ref::ord_kth2, ref::ord_kth2_grad0);
  // clang-format on
  check_matches(x.sort(1).indices, ref::ord_sort1_idx);
  check_matches(x.sort(0, true).indices, ref::ord_sort0_desc_idx);
  check_matches(x.argsort(1, true), ref::ord_argsort1_desc);
  check_matches(x.topk(2, 1).indices, ref::ord_top2_idx);
  check_matches(x.kthvalue(2, 1).indices, ref::ord_kth2_idx);
  check_matches(x.kthvalue(3, 0, true).values, ref::ord_kth3_keepdim);
  const auto nan =
      kaon::tensor<double>({{1.0, std::numeric_limits<double>::quiet_NaN(), 0.0}, {2.0, 1.0, 3.0}});
  check_matches(kaon::argsort(nan, 1), ref::ord_nan_sorted_idx);
  check_matches(kaon::argsort(nan, 1, true), ref::ord_nan_desc_idx);
  REQUIRE_THROWS_WITH(x.topk(6, 1), Catch::Contains("topk: k = 6 is out of range"));
  REQUIRE_THROWS_WITH(x.kthvalue(0), Catch::Contains("kthvalue: k = 0 is out of range"));
  REQUIRE_THROWS_WITH(x.sort(2), Catch::Contains("sort: dim 2 is out of range"));
}

TEST_CASE("quantile interpolates as PyTorch's and is NaN for a line with a NaN", "[api][ops]") {
  const auto x = from_ref<double>(ref::ord_x);
  // clang-format off
  check_value_and_grad("quantile(0.3)", [](const T64& a) { return kaon::quantile(a, 0.3); }, ref::ord_x, ref::ord_q30, ref::ord_q30_grad0);
  check_value_and_grad("quantile(0.75, 1)", [](const T64& a) { return kaon::quantile(a, 0.75, 1); }, ref::ord_x, ref::ord_q75_dim1, ref::ord_q75_dim1_grad0);
  // clang-format on
  check_matches(kaon::quantile(x, 0.5, 0, true), ref::ord_q50_dim0_keepdim);
  check_matches(kaon::quantile(x, 0.9, std::nullopt, true), ref::ord_q90_keepdim);
  const auto nan =
      kaon::tensor<double>({{1.0, std::numeric_limits<double>::quiet_NaN(), 0.0}, {2.0, 1.0, 3.0}});
  const auto q = kaon::quantile(nan, 0.5, 1).to_vector();
  REQUIRE(std::isnan(q[0]));
  REQUIRE(q[1] == 2.0);
  REQUIRE_THROWS_WITH(kaon::quantile(x, 1.5), Catch::Contains("quantile: q must be in [0, 1]"));
}

TEST_CASE("cumsum and diff match PyTorch, integer and float accumulation included", "[api][ops]") {
  // clang-format off
  check_value_and_grad("cumsum(1)", [](const T64& a) { return a.cumsum(1); }, ref::ord_x, ref::cum_cumsum1, ref::cum_cumsum1_grad0);
  check_value_and_grad("cumsum(0)", [](const T64& a) { return kaon::cumsum(a, 0); }, ref::ord_x, ref::cum_cumsum0, ref::cum_cumsum0_grad0);
  check_value_and_grad("diff()", [](const T64& a) { return a.diff(); }, ref::ord_x, ref::cum_diff, ref::cum_diff_grad0);
  check_value_and_grad("diff(2, 0)", [](const T64& a) { return kaon::diff(a, 2, 0); }, ref::ord_x, ref::cum_diff2_dim0, ref::cum_diff2_dim0_grad0);
  // clang-format on
  check_matches(kaon::tensor({{1, -2, 3}, {4, 5, -6}}).cumsum(1), ref::cum_int);
  check_matches(kaon::tensor({true, false, true, true}).cumsum(0), ref::cum_bool);
  std::vector<float> f32(7, 0.1f);
  f32.insert(f32.end(), {1e8f, 0.1f, 0.1f});
  check_matches(kaon::cumsum(kaon::from_vector(f32), 0), ref::cum_f32, 0);
}

TEST_CASE("tril, triu and diag match PyTorch", "[api][ops]") {
  // clang-format off
  check_value_and_grad("tril()", [](const T64& a) { return a.tril(); }, ref::ord_x, ref::tri_tril, ref::tri_tril_grad0);
  check_value_and_grad("triu(1)", [](const T64& a) { return kaon::triu(a, 1); }, ref::ord_x, ref::tri_triu1, ref::tri_triu1_grad0);
  check_value_and_grad("tril(-1)", [](const T64& a) { return kaon::tril(a, -1); }, ref::ord_x, ref::tri_tril_m1, ref::tri_tril_m1_grad0);
  check_value_and_grad("diag(v)", [](const T64& a) { return kaon::diag(a); }, ref::diag_v, ref::diag_from_vec, ref::diag_from_vec_grad0);
  check_value_and_grad("diag(v, 1)", [](const T64& a) { return a.diag(1); }, ref::diag_v, ref::diag_from_vec_k1, ref::diag_from_vec_k1_grad0);
  check_value_and_grad("diag(v, -2)", [](const T64& a) { return a.diag(-2); }, ref::diag_v, ref::diag_from_vec_km2, ref::diag_from_vec_km2_grad0);
  check_value_and_grad("diag(m)", [](const T64& a) { return a.diag(); }, ref::ord_x, ref::diag_of_mat, ref::diag_of_mat_grad0);
  check_value_and_grad("diag(m, 2)", [](const T64& a) { return kaon::diag(a, 2); }, ref::ord_x, ref::diag_of_mat_k2, ref::diag_of_mat_k2_grad0);
  check_value_and_grad("diag(m, -1)", [](const T64& a) { return a.diag(-1); }, ref::ord_x, ref::diag_of_mat_km1, ref::diag_of_mat_km1_grad0);
  // clang-format on
  check_matches(from_ref<double>(ref::tri_batch).triu(), ref::tri_batch_triu);
  REQUIRE_THROWS_WITH(
      kaon::tril(kaon::zeros({3})),
      Catch::Contains("tril: expects a matrix or a batch of matrices, got shape [3]"));
  REQUIRE_THROWS_WITH(kaon::diag(kaon::zeros({2, 2, 2})), Catch::Contains("diag: expects"));
}

TEST_CASE("one_hot and unbind", "[api][ops]") {
  const auto labels = from_ref<std::int64_t>(ref::oh_labels);
  namespace F = kaon::nn::functional;
  check_matches(F::one_hot(labels), ref::oh_auto);
  check_matches(F::one_hot(labels, 6), ref::oh_6);
  REQUIRE_THROWS_WITH(F::one_hot(labels, 3), Catch::Contains("class value 3 is out of range"));
  REQUIRE_THROWS_WITH(F::one_hot(kaon::tensor({-1, 0})),
                      Catch::Contains("must be non-negative, got -1"));
  const auto x = from_ref<double>(ref::ord_x);
  const auto rows = x.unbind(0);
  REQUIRE(rows.size() == 3);
  REQUIRE(kaon::stack(rows, 0).to_vector() == x.to_vector());
  const auto cols = kaon::unbind(x, 1);
  REQUIRE(cols.size() == 5);
  REQUIRE(cols[4].to_vector() == x.select(1, 4).to_vector());
}
