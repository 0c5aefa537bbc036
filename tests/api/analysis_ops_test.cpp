// SPDX-License-Identifier: MIT
// Ops the ported analyses needed: ordering (sort, argsort, topk, kthvalue, quantile), cumsum,
// cumprod, diff, tril, triu, diag, one_hot, unbind, int64 indexing and writes through an index
// or a mask, against PyTorch (tools/gen_api_reference.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace analysis_ops_test {
namespace api_ref = kaon_ref::api;
using kaon_test::check_matches;
using kaon_test::check_value_and_grad;
using kaon_test::from_ref;
using T64 = kaon::Tensor<double>;

}  // namespace analysis_ops_test

TEST_CASE("sort, argsort, topk and kthvalue match PyTorch, ties and NaN included", "[api][ops]") {
  using namespace analysis_ops_test;
  const auto x = from_ref<double>(api_ref::ord_x);
  // clang-format off
  check_value_and_grad("sort(1)", [](const T64& a) { return a.sort(1).values; }, api_ref::ord_x, api_ref::ord_sort1, api_ref::ord_sort1_grad0);
  check_value_and_grad("sort(0, descending)", [](const T64& a) { return kaon::sort(a, 0, true).values; }, api_ref::ord_x, api_ref::ord_sort0_desc, api_ref::ord_sort0_desc_grad0);
  check_value_and_grad("topk(2, 1)", [](const T64& a) { return a.topk(2, 1).values; }, api_ref::ord_x, api_ref::ord_top2, api_ref::ord_top2_grad0);
  check_value_and_grad("topk(2, 0, smallest)", [](const T64& a) { return kaon::topk(a, 2, 0, false).values; }, api_ref::ord_x, api_ref::ord_bottom2_dim0, api_ref::ord_bottom2_dim0_grad0);
  check_value_and_grad("kthvalue(2, 1)", [](const T64& a) { return a.kthvalue(2, 1).values; }, api_ref::ord_x, api_ref::ord_kth2, api_ref::ord_kth2_grad0);
  // clang-format on
  check_matches(x.sort(1).indices, api_ref::ord_sort1_idx);
  check_matches(x.sort(0, true).indices, api_ref::ord_sort0_desc_idx);
  check_matches(x.argsort(1, true), api_ref::ord_argsort1_desc);
  check_matches(x.topk(2, 1).indices, api_ref::ord_top2_idx);
  check_matches(x.kthvalue(2, 1).indices, api_ref::ord_kth2_idx);
  check_matches(x.kthvalue(3, 0, true).values, api_ref::ord_kth3_keepdim);
  const auto nan =
      kaon::tensor<double>({{1.0, std::numeric_limits<double>::quiet_NaN(), 0.0}, {2.0, 1.0, 3.0}});
  check_matches(kaon::argsort(nan, 1), api_ref::ord_nan_sorted_idx);
  check_matches(kaon::argsort(nan, 1, true), api_ref::ord_nan_desc_idx);
  REQUIRE_THROWS_WITH(x.topk(6, 1), Catch::Contains("topk: k = 6 is out of range"));
  REQUIRE_THROWS_WITH(x.kthvalue(0), Catch::Contains("kthvalue: k = 0 is out of range"));
  REQUIRE_THROWS_WITH(x.sort(2), Catch::Contains("sort: dim 2 is out of range"));
}

TEST_CASE("quantile interpolates as PyTorch's and is NaN for a line with a NaN", "[api][ops]") {
  using namespace analysis_ops_test;
  const auto x = from_ref<double>(api_ref::ord_x);
  // clang-format off
  check_value_and_grad("quantile(0.3)", [](const T64& a) { return kaon::quantile(a, 0.3); }, api_ref::ord_x, api_ref::ord_q30, api_ref::ord_q30_grad0);
  check_value_and_grad("quantile(0.75, 1)", [](const T64& a) { return kaon::quantile(a, 0.75, 1); }, api_ref::ord_x, api_ref::ord_q75_dim1, api_ref::ord_q75_dim1_grad0);
  // clang-format on
  check_matches(kaon::quantile(x, 0.5, 0, true), api_ref::ord_q50_dim0_keepdim);
  check_matches(x.quantile(0.5, 0, true), api_ref::ord_q50_dim0_keepdim);
  check_matches(x.quantile(0.9, std::nullopt, true), api_ref::ord_q90_keepdim);
  check_matches(kaon::quantile(x, 0.9, std::nullopt, true), api_ref::ord_q90_keepdim);
  const auto nan =
      kaon::tensor<double>({{1.0, std::numeric_limits<double>::quiet_NaN(), 0.0}, {2.0, 1.0, 3.0}});
  const auto q = kaon::quantile(nan, 0.5, 1).to_vector();
  REQUIRE(std::isnan(q[0]));
  REQUIRE(q[1] == 2.0);
  REQUIRE_THROWS_WITH(kaon::quantile(x, 1.5), Catch::Contains("quantile: q must be in [0, 1]"));
}

TEST_CASE("cumsum and diff match PyTorch, integer and float accumulation included", "[api][ops]") {
  using namespace analysis_ops_test;
  // clang-format off
  check_value_and_grad("cumsum(1)", [](const T64& a) { return a.cumsum(1); }, api_ref::ord_x, api_ref::cum_cumsum1, api_ref::cum_cumsum1_grad0);
  check_value_and_grad("cumsum(0)", [](const T64& a) { return kaon::cumsum(a, 0); }, api_ref::ord_x, api_ref::cum_cumsum0, api_ref::cum_cumsum0_grad0);
  check_value_and_grad("diff()", [](const T64& a) { return a.diff(); }, api_ref::ord_x, api_ref::cum_diff, api_ref::cum_diff_grad0);
  check_value_and_grad("diff(2, 0)", [](const T64& a) { return kaon::diff(a, 2, 0); }, api_ref::ord_x, api_ref::cum_diff2_dim0, api_ref::cum_diff2_dim0_grad0);
  // clang-format on
  check_matches(kaon::tensor({{1, -2, 3}, {4, 5, -6}}).cumsum(1), api_ref::cum_int);
  check_matches(kaon::tensor({true, false, true, true}).cumsum(0), api_ref::cum_bool);
  std::vector<float> f32(7, 0.1f);
  f32.insert(f32.end(), {1e8f, 0.1f, 0.1f});
  check_matches(kaon::cumsum(kaon::from_vector(f32), 0), api_ref::cum_f32, 0);
}

TEST_CASE("cumprod matches PyTorch, through zeros and in wrapping int64", "[api][ops]") {
  using namespace analysis_ops_test;
  // clang-format off
  check_value_and_grad("cumprod(1)", [](const T64& a) { return a.cumprod(1); }, api_ref::ord_x, api_ref::cum_cumprod1, api_ref::cum_cumprod1_grad0);
  check_value_and_grad("cumprod(0)", [](const T64& a) { return kaon::cumprod(a, 0); }, api_ref::ord_x, api_ref::cum_cumprod0, api_ref::cum_cumprod0_grad0);
  check_value_and_grad("cumprod(1) through zeros", [](const T64& a) { return a.cumprod(1); }, api_ref::cum_zeros_x, api_ref::cum_cumprod_zeros, api_ref::cum_cumprod_zeros_grad0);
  // clang-format on
  const auto big = std::int64_t{1} << 40, mid = std::int64_t{1} << 30;
  check_matches(kaon::from_vector<std::int64_t>({3, -2, 5, big, mid, 7}, {2, 3}).cumprod(1),
                api_ref::cum_prod_int);
  check_matches(kaon::tensor({true, true, false, true}).cumprod(0), api_ref::cum_prod_bool);
  REQUIRE_THROWS_WITH(kaon::cumprod(from_ref<double>(api_ref::ord_x), 2),
                      Catch::Contains("cumprod: dim 2 is out of range"));
}

TEST_CASE("tril, triu and diag match PyTorch", "[api][ops]") {
  using namespace analysis_ops_test;
  // clang-format off
  check_value_and_grad("tril()", [](const T64& a) { return a.tril(); }, api_ref::ord_x, api_ref::tri_tril, api_ref::tri_tril_grad0);
  check_value_and_grad("triu(1)", [](const T64& a) { return kaon::triu(a, 1); }, api_ref::ord_x, api_ref::tri_triu1, api_ref::tri_triu1_grad0);
  check_value_and_grad("tril(-1)", [](const T64& a) { return kaon::tril(a, -1); }, api_ref::ord_x, api_ref::tri_tril_m1, api_ref::tri_tril_m1_grad0);
  check_value_and_grad("diag(v)", [](const T64& a) { return kaon::diag(a); }, api_ref::diag_v, api_ref::diag_from_vec, api_ref::diag_from_vec_grad0);
  check_value_and_grad("diag(v, 1)", [](const T64& a) { return a.diag(1); }, api_ref::diag_v, api_ref::diag_from_vec_k1, api_ref::diag_from_vec_k1_grad0);
  check_value_and_grad("diag(v, -2)", [](const T64& a) { return a.diag(-2); }, api_ref::diag_v, api_ref::diag_from_vec_km2, api_ref::diag_from_vec_km2_grad0);
  check_value_and_grad("diag(m)", [](const T64& a) { return a.diag(); }, api_ref::ord_x, api_ref::diag_of_mat, api_ref::diag_of_mat_grad0);
  check_value_and_grad("diag(m, 2)", [](const T64& a) { return kaon::diag(a, 2); }, api_ref::ord_x, api_ref::diag_of_mat_k2, api_ref::diag_of_mat_k2_grad0);
  check_value_and_grad("diag(m, -1)", [](const T64& a) { return a.diag(-1); }, api_ref::ord_x, api_ref::diag_of_mat_km1, api_ref::diag_of_mat_km1_grad0);
  // clang-format on
  check_matches(from_ref<double>(api_ref::tri_batch).triu(), api_ref::tri_batch_triu);
  REQUIRE_THROWS_WITH(
      kaon::tril(kaon::zeros({3})),
      Catch::Contains("tril: expects a matrix or a batch of matrices, got shape [3]"));
  REQUIRE_THROWS_WITH(kaon::diag(kaon::zeros({2, 2, 2})), Catch::Contains("diag: expects"));
}

TEST_CASE("one_hot and unbind", "[api][ops]") {
  using namespace analysis_ops_test;
  const auto labels = from_ref<std::int64_t>(api_ref::oh_labels);
  namespace F = kaon::nn::functional;
  check_matches(F::one_hot(labels), api_ref::oh_auto);
  check_matches(F::one_hot(labels, 6), api_ref::oh_6);
  REQUIRE_THROWS_WITH(F::one_hot(labels, 3), Catch::Contains("class value 3 is out of range"));
  REQUIRE_THROWS_WITH(F::one_hot(kaon::tensor({-1, 0})),
                      Catch::Contains("must be non-negative, got -1"));
  const auto x = from_ref<double>(api_ref::ord_x);
  const auto rows = x.unbind(0);
  REQUIRE(rows.size() == 3);
  REQUIRE(kaon::stack(rows, 0).to_vector() == x.to_vector());
  const auto cols = kaon::unbind(x, 1);
  REQUIRE(cols.size() == 5);
  REQUIRE(cols[4].to_vector() == x.select(1, 4).to_vector());
}

TEST_CASE("Indexing by int64 tensors and writes through an index or a mask match PyTorch",
          "[api][ops]") {
  using namespace analysis_ops_test;
  const auto idx = from_ref<std::int64_t>(api_ref::ix_index);
  check_value_and_grad(
      "x[idx]", [&](const T64& a) { return a[idx]; }, api_ref::ord_x, api_ref::ix_rows,
      api_ref::ix_rows_grad0);
  auto x = from_ref<double>(api_ref::ord_x);
  x.index_put_(kaon::tensor({2, 0}), kaon::tensor<double>({{9, 8, 7, 6, 5}, {-1, -2, -3, -4, -5}}));
  check_matches(x, api_ref::ix_put);
  x = from_ref<double>(api_ref::ord_x);
  x.index_put_(kaon::tensor({1, 1, 0}), kaon::tensor<double>({1, 2, 3, 4, 5}), true);
  check_matches(x, api_ref::ix_put_acc);
  x = from_ref<double>(api_ref::ord_x);
  x.index_put_(from_ref<bool>(api_ref::ix_rowmask),
               kaon::tensor<double>({0.5, 1.5, 2.5, 3.5, 4.5}));
  check_matches(x, api_ref::ix_mask_put);
  // The same write into a tensor that is not contiguous (a transposed view of the same values).
  auto strided = from_ref<double>(api_ref::ord_x).t().contiguous().t();
  REQUIRE_FALSE(strided.is_contiguous());
  strided.index_put_(from_ref<bool>(api_ref::ix_rowmask),
                     kaon::tensor<double>({0.5, 1.5, 2.5, 3.5, 4.5}));
  check_matches(strided, api_ref::ix_mask_put);
  x = from_ref<double>(api_ref::ord_x);
  x.masked_fill_(from_ref<bool>(api_ref::ix_elmask), -0.25);
  check_matches(x, api_ref::ix_masked_fill);

  REQUIRE_THROWS_WITH(x[kaon::tensor({3})], Catch::Contains("index 3 is out of bounds for dim 0 "
                                                            "with size 3"));
  REQUIRE_THROWS_WITH(x.index_put_(kaon::tensor({0}), kaon::zeros<double>({4})),
                      Catch::Contains("index_put_: values of shape [4] cannot be broadcast to "
                                      "the indexed shape [1, 5]"));
  auto w = kaon::zeros<double>({3}).requires_grad_();
  REQUIRE_THROWS_WITH(w.index_put_(kaon::tensor({0}), kaon::ones<double>({1})),
                      Catch::Contains("index_put_: a tensor that requires grad"));
}

TEST_CASE("histogram returns PyTorch's counts, weight sums, densities and edges", "[api][ops]") {
  using namespace analysis_ops_test;
  const auto x = from_ref<double>(api_ref::h_x), w = from_ref<double>(api_ref::h_w);
  auto check = [](const char* name, const auto& h, const kaon_ref::Ref& hist,
                  const kaon_ref::Ref& edges) {
    INFO(name);
    check_matches(h.hist, hist, 1e-12);
    check_matches(h.bin_edges, edges, 1e-12);
  };
  check("bins", kaon::histogram(x, 5), api_ref::h_bins5_hist, api_ref::h_bins5_edges);
  check("range", kaon::histogram(x, 4, std::pair{-1.0, 3.0}), api_ref::h_range_hist,
        api_ref::h_range_edges);
  check("weighted", kaon::histogram(x, 4, std::pair{-1.0, 3.0}, w), api_ref::h_weighted_hist,
        api_ref::h_weighted_edges);
  check("density", kaon::histogram(x, 6, std::nullopt, {}, true), api_ref::h_density_hist,
        api_ref::h_density_edges);
  const auto edges = from_ref<double>(api_ref::h_edges);
  check("edges", kaon::histogram(x, edges, w), api_ref::h_custom_hist, api_ref::h_custom_edges);
  check("edges, density", kaon::histogram(x, edges, {}, true), api_ref::h_custom_density_hist,
        api_ref::h_custom_density_edges);
  const auto f32 = kaon::histogram(x.to<float>(), 7);
  check_matches(f32.hist, api_ref::h_f32_hist);
  check_matches(f32.bin_edges, api_ref::h_f32_edges);
  check("constant", kaon::histogram(kaon::full<double>({3}, 2.0), 4), api_ref::h_const_hist,
        api_ref::h_const_edges);
  REQUIRE_THROWS_WITH(kaon::histogram(x, kaon::tensor<double>({0.0, 0.0, 1.0})),
                      Catch::Contains("histogram: bin edges must increase strictly"));
  REQUIRE_THROWS_WITH(kaon::histogram(x, 3, std::nullopt, kaon::ones<double>({3})),
                      Catch::Contains("weight of shape [3] does not match the input's [12]"));
}
