// SPDX-License-Identifier: MIT
// The CSV reader on arbitrary text: data::parse_csv (read_csv's parser), then what a program
// does next with the frame: the numeric columns to int64 (which must refuse NaN, infinities and
// values past int64) and to double, every column to float, dropna, and text value counts.
#include <kaon/data/csv.hpp>

#include "fuzz_target.hpp"

KAON_FUZZ_TARGET({
  const auto df = kaon::data::parse_csv(input, "fuzz.csv");
  std::vector<std::string> numeric;
  for (std::int64_t i = 0; i < df.cols(); ++i) {
    const auto& column = df.column(i);
    if (column.is_numeric()) {
      numeric.push_back(column.name());
    } else {
      kaon_fuzz::attempt([&] { (void)df.value_counts(column.name()); });
    }
  }
  kaon_fuzz::attempt([&] { (void)df.to_tensor<std::int64_t>(numeric); });
  kaon_fuzz::attempt([&] { (void)df.to_tensor<double>(numeric); });
  kaon_fuzz::attempt([&] { (void)df.to_tensor<float>(df.columns()); });
  (void)df.dropna();
})
