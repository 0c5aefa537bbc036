// SPDX-License-Identifier: MIT
// DataFrame column statistics, comparisons and arithmetic on the penguins table, against
// NumPy's nan-functions (tools/gen_api_reference.py), as pandas computes them (skipna, ddof 1).
#include <catch2/catch.hpp>
#include <cmath>
#include <kaon/kaon.hpp>

#include "reference/api_reference.hpp"

TEST_CASE("Column statistics skip missing values as pandas does", "[data]") {
  const auto df = kaon::data::read_csv(KAON_PENGUINS_CSV);
  const auto& bill = df["bill_length_mm"];
  REQUIRE(bill.count_na() == 2);  // the statistics below must skip these two
  const auto& want = kaon_ref::api::col_bill_stats.values;
  CHECK(bill.count() == static_cast<std::int64_t>(want[0]));
  CHECK(bill.sum() == Approx(want[1]).epsilon(1e-13));
  CHECK(bill.mean() == Approx(want[2]).epsilon(1e-13));
  CHECK(bill.var() == Approx(want[3]).epsilon(1e-12));
  CHECK(bill.std() == Approx(want[4]).epsilon(1e-12));
  CHECK(bill.std(0) == Approx(want[5]).epsilon(1e-12));
  CHECK(bill.min() == want[6]);
  CHECK(bill.max() == want[7]);
  CHECK(bill.median() == want[8]);

  const auto long_bills = df[bill > 45.0];
  CHECK(long_bills.rows() ==
        static_cast<std::int64_t>(kaon_ref::api::col_bill_gt_45_count.values[0]));
  CHECK((bill * 2.5 - 1.0).mean() ==
        Approx(kaon_ref::api::col_bill_scaled_mean.values[0]).epsilon(1e-13));
  const auto ratio = bill / df["bill_depth_mm"];
  CHECK(ratio.count_na() == 2);
  CHECK(ratio.name() == "bill_length_mm");

  auto with = df;
  with.set("bill_cm", bill / 10.0);
  REQUIRE(with.cols() == df.cols() + 1);
  CHECK(with["bill_cm"].max() == Approx(want[7] / 10));
  with.set("bill_cm", bill);
  CHECK(with.cols() == df.cols() + 1);
  CHECK(with["bill_cm"].max() == want[7]);

  REQUIRE_THROWS_WITH(df["species"].mean(),
                      Catch::Contains("Column mean: column 'species' is not numeric"));
  REQUIRE_THROWS_WITH(df["species"] > 3.0, Catch::Contains("Column >: column 'species'"));
  REQUIRE_THROWS_WITH(bill + df.head(3)["bill_depth_mm"], Catch::Contains("have 344 and 3 rows"));
  REQUIRE_THROWS_WITH(with.set("short", df.head(3)["bill_depth_mm"]),
                      Catch::Contains("DataFrame::set: column 'short' has 3 rows"));
  const kaon::data::Column empty("e", std::vector<double>{NAN, NAN});
  CHECK(empty.count() == 0);
  CHECK(std::isnan(empty.mean()));
  CHECK(std::isnan(empty.median()));
}
