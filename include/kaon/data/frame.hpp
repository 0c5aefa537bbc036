// SPDX-License-Identifier: MIT
// data::DataFrame: named columns of equal length, the part of pandas the exercises use: dropna,
// row masks, column selection into a tensor, value counts and factorize.
//
//   auto df = kaon::data::read_csv("penguins.csv").dropna();         // pd.read_csv(...).dropna()
//   auto two = df[df["species"] != "Gentoo"];                         // boolean row filter
//   auto x = df.to_tensor<double>({"flipper_length_mm", "bill_depth_mm"});   // df[[...]].values
//   auto [codes, names] = kaon::data::factorize(df["species"]);      // pd.factorize(df.species)
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/data/column.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::data {

class DataFrame {
 public:
  DataFrame() = default;
  /// A frame from columns of equal length with distinct names.
  explicit DataFrame(std::vector<Column> columns) : columns_(std::move(columns)) {
    std::vector<std::string_view> names;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      KAON_CHECK(columns_[i].size() == columns_[0].size(), ShapeError, "DataFrame: column '",
                 columns_[i].name(), "' has ", columns_[i].size(), " rows but '",
                 columns_[0].name(), "' has ", columns_[0].size());
      names.push_back(columns_[i].name());
    }
    const auto repeat = detail::first_repeat(names);
    KAON_CHECK(!repeat, ValueError, "DataFrame: two columns are named '",
               repeat ? names[repeat->second] : "", "'");
  }

  [[nodiscard]] std::int64_t rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  [[nodiscard]] std::int64_t cols() const { return static_cast<std::int64_t>(columns_.size()); }
  /// Column names in order, as pandas' `df.columns`.
  [[nodiscard]] std::vector<std::string> columns() const {
    std::vector<std::string> names;
    for (const auto& c : columns_) names.push_back(c.name());
    return names;
  }
  [[nodiscard]] bool contains(std::string_view name) const { return find(name) != nullptr; }

  /// The column called `name`; an unknown name lists the known ones.
  [[nodiscard]] const Column& operator[](std::string_view name) const {
    const Column* c = find(name);
    if (c == nullptr) {
      std::string known;
      for (const auto& col : columns_) known += (known.empty() ? "'" : ", '") + col.name() + "'";
      throw IndexError(
          kaon::detail::concat("DataFrame: no column '", name, "'; the columns are ", known));
    }
    return *c;
  }
  [[nodiscard]] const Column& column(std::int64_t i) const {
    KAON_CHECK(i >= 0 && i < cols(), IndexError, "DataFrame: column index ", i,
               " is out of range for ", cols(), " columns");
    return columns_[static_cast<std::size_t>(i)];
  }

  /// Adds `column` under `name`, or replaces the column of that name, as pandas'
  /// `df[name] = column`: `df.set("mass_gev", df["mass_mev"] / 1000)`.
  DataFrame& set(const std::string& name, const Column& column) {
    KAON_CHECK(columns_.empty() || column.size() == rows(), ShapeError, "DataFrame::set: column '",
               name, "' has ", column.size(), " rows but the frame has ", rows());
    for (auto& c : columns_)
      if (c.name() == name) return c = column.renamed(name), *this;
    columns_.push_back(column.renamed(name));
    return *this;
  }

  /// The rows where `mask` is true, as pandas' `df[mask]`.
  [[nodiscard]] DataFrame operator[](const Tensor<bool>& mask) const {
    KAON_CHECK(mask.dim() == 1 && mask.numel() == rows(), ShapeError,
               "DataFrame: a row mask must have shape [", rows(), "], got ", mask.shape());
    const auto m = mask.to_vector();
    std::vector<std::int64_t> keep;
    for (std::size_t i = 0; i < m.size(); ++i)
      if (m[i]) keep.push_back(static_cast<std::int64_t>(i));
    return take(keep);
  }

  /// The columns named, in that order, as pandas' `df[["a", "b"]]`.
  [[nodiscard]] DataFrame select(const std::vector<std::string>& names) const {
    std::vector<Column> picked;
    for (const auto& n : names) picked.push_back((*this)[n]);
    return DataFrame(std::move(picked));
  }

  /// Drops every row with a missing value in any column, as pandas' `df.dropna()`.
  [[nodiscard]] DataFrame dropna() const { return dropna(columns()); }
  /// Drops the rows with a missing value in one of `subset`, as `df.dropna(subset=[...])`.
  [[nodiscard]] DataFrame dropna(const std::vector<std::string>& subset) const {
    std::vector<const Column*> checked;
    for (const auto& n : subset) checked.push_back(&(*this)[n]);
    std::vector<std::int64_t> keep;
    for (std::int64_t r = 0; r < rows(); ++r) {
      const bool complete = std::none_of(checked.begin(), checked.end(),
                                         [&](const Column* c) { return c->is_na(r); });
      if (complete) keep.push_back(r);
    }
    return take(keep);
  }

  /// The rows listed, in that order.
  [[nodiscard]] DataFrame take(const std::vector<std::int64_t>& rows) const {
    std::vector<Column> out;
    for (const auto& c : columns_) out.push_back(c.take(rows));
    return DataFrame(std::move(out));
  }
  /// The first n rows, as pandas' `df.head(n)`.
  [[nodiscard]] DataFrame head(std::int64_t n = 5) const {
    std::vector<std::int64_t> r(static_cast<std::size_t>(std::clamp<std::int64_t>(n, 0, rows())));
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::int64_t>(i);
    return take(r);
  }

  /// The named numeric columns as a [rows, columns] tensor, as `df[[...]].values`. A text value
  /// or a missing value is an error naming the file, line and column it came from.
  template <class T = float, class D = cpu>
  [[nodiscard]] Tensor<T, D> to_tensor(const std::vector<std::string>& names) const {
    KAON_CHECK(!names.empty(), ValueError, "DataFrame::to_tensor: no columns named");
    std::vector<const Column*> picked;
    for (const auto& n : names) picked.push_back(&(*this)[n]);
    const auto n_cols = static_cast<std::int64_t>(picked.size());
    std::vector<T> values(static_cast<std::size_t>(rows() * n_cols));
    for (std::int64_t c = 0; c < n_cols; ++c) {
      for (std::int64_t r = 0; r < rows(); ++r) {
        values[static_cast<std::size_t>(r * n_cols + c)] =
            picked[static_cast<std::size_t>(c)]->value_as<T>(r);
      }
    }
    return from_vector<T, D>(values, {rows(), n_cols});
  }

  /// Counts of each value of a text column, most frequent first (ties in order of first
  /// appearance), NA left out: pandas' `df[name].value_counts()`.
  [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> value_counts(
      std::string_view name) const {
    const Column& c = (*this)[name];
    KAON_CHECK(!c.is_numeric(), ValueError, "DataFrame::value_counts: column '", name,
               "' is numeric");
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (std::int64_t r = 0; r < c.size(); ++r) {
      if (c.is_na(r)) continue;
      auto it = std::find_if(counts.begin(), counts.end(),
                             [&](const auto& p) { return p.first == c.text(r); });
      if (it == counts.end()) {
        counts.emplace_back(c.text(r), 1);
      } else {
        ++it->second;
      }
    }
    std::stable_sort(counts.begin(), counts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return counts;
  }

 private:
  const Column* find(std::string_view name) const {
    for (const auto& c : columns_)
      if (c.name() == name) return &c;
    return nullptr;
  }

  std::vector<Column> columns_;
};

/// pd.factorize: integer codes in order of first appearance (-1 for NA) and the distinct values.
struct Factorized {
  Tensor<std::int64_t> codes;
  std::vector<std::string> uniques;
};

inline Factorized factorize(const Column& column) {
  KAON_CHECK(!column.is_numeric(), ValueError, "factorize: column '", column.name(),
             "' is numeric; factorize works on text columns");
  std::map<std::string, std::int64_t, std::less<>> index;
  std::vector<std::string> uniques;
  std::vector<std::int64_t> codes(static_cast<std::size_t>(column.size()));
  for (std::int64_t r = 0; r < column.size(); ++r) {
    std::int64_t code = -1;
    if (!column.is_na(r)) {
      const auto [it, inserted] =
          index.try_emplace(column.text(r), static_cast<std::int64_t>(uniques.size()));
      if (inserted) uniques.push_back(column.text(r));
      code = it->second;
    }
    codes[static_cast<std::size_t>(r)] = code;
  }
  return {from_vector<std::int64_t>(codes), std::move(uniques)};
}

}  // namespace kaon::data
