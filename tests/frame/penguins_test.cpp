// SPDX-License-Identifier: MIT
// The Palmer penguins CSV of the examples: the row counts, species counts and factorize codes
// that pandas gives (tools/gen_data_reference.py).
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>

#include "reference/data_reference.hpp"
#include "support/compare.hpp"

namespace data = kaon::data;
namespace data_ref = kaon_ref::data;

namespace {
data::DataFrame penguins() { return data::read_csv(KAON_PENGUINS_CSV); }
std::int64_t ref_count(const kaon_ref::Ref& r) { return static_cast<std::int64_t>(r.values.at(0)); }
}  // namespace

TEST_CASE("penguins.csv has pandas' row counts", "[data][penguins]") {
  const auto df = penguins();
  REQUIRE(df.rows() == 344);
  REQUIRE(df.rows() == ref_count(data_ref::penguins_rows));
  REQUIRE(df.cols() == 8);
  REQUIRE(df.dropna({"flipper_length_mm", "body_mass_g"}).rows() == 342);
  REQUIRE(df.dropna({"flipper_length_mm", "body_mass_g"}).rows() ==
          ref_count(data_ref::penguins_rows_flipper_mass));
  REQUIRE(df.dropna().rows() == 333);
  REQUIRE(df.dropna().rows() == ref_count(data_ref::penguins_rows_dropna));
  REQUIRE(df["sex"].count_na() == 11);
}

TEST_CASE("penguins species counts and factorize codes after dropna", "[data][penguins]") {
  const auto df = penguins().dropna();
  const auto counts = df.value_counts("species");
  REQUIRE(counts.size() == 3);
  REQUIRE(counts[0] == std::pair<std::string, std::int64_t>{"Adelie", 146});
  REQUIRE(counts[1] == std::pair<std::string, std::int64_t>{"Gentoo", 119});
  REQUIRE(counts[2] == std::pair<std::string, std::int64_t>{"Chinstrap", 68});

  const auto [codes, uniques] = data::factorize(df["species"]);
  REQUIRE(uniques == std::vector<std::string>{"Adelie", "Gentoo", "Chinstrap"});
  kaon_test::check_matches(codes, data_ref::penguins_species_codes_dropna);
  kaon_test::check_matches(data::factorize(df["sex"]).codes, data_ref::penguins_sex_codes_dropna);

  const auto two = df[df["species"] != "Gentoo"];
  REQUIRE(two.rows() == ref_count(data_ref::penguins_adelie_chinstrap_rows));
  const auto [two_codes, two_names] = data::factorize(two["species"]);
  REQUIRE(two_names == std::vector<std::string>{"Adelie", "Chinstrap"});
  REQUIRE(two_codes.sum().item() == 68);
  REQUIRE(two.to_tensor({"bill_length_mm", "bill_depth_mm"}).shape() == kaon::Shape{214, 2});
}
