// SPDX-License-Identifier: MIT
// data::Column: one named column of a DataFrame, numeric (NaN marks NA) or text (a flag marks NA),
// remembering where each value came from so that errors name the file, line and column.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/data/parse_number.hpp"
#include "kaon/ops/factory.hpp"

namespace kaon::data {
namespace detail {
/// The first name that repeats an earlier one, as (earlier index, later index), in one pass:
/// a wide file's header of 40,000 names is checked in milliseconds, not pair by pair.
inline std::optional<std::pair<std::size_t, std::size_t>> first_repeat(
    const std::vector<std::string_view>& names) {
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    if (const auto [it, fresh] = seen.emplace(names[i], i); !fresh) return std::pair{it->second, i};
  return std::nullopt;
}
}  // namespace detail

/// Where a column's values came from: a file (or another source's name), the column's 1-based
/// position there, and the line of each row. Without a file, messages name rows instead.
struct Origin {
  std::string file;
  std::int64_t position = 0;
  std::vector<std::int64_t> lines;
};

class Column {
 public:
  enum class Kind { numeric, text };

  /// A numeric column; NaN marks a missing value.
  Column(std::string name, std::vector<double> values, Origin origin = {})
      : name_(std::move(name)),
        kind_(Kind::numeric),
        numbers_(std::move(values)),
        origin_(std::move(origin)) {}

  /// A text column; `missing[i]` marks row i as NA.
  Column(std::string name, std::vector<std::string> values, std::vector<bool> missing,
         Origin origin = {})
      : name_(std::move(name)),
        kind_(Kind::text),
        strings_(std::move(values)),
        missing_(std::move(missing)),
        origin_(std::move(origin)) {
    KAON_CHECK(missing_.size() == strings_.size(), ValueError, "Column '", name_,
               "': ", strings_.size(), " values but ", missing_.size(), " missing flags");
  }

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is_numeric() const { return kind_ == Kind::numeric; }
  [[nodiscard]] std::int64_t size() const {
    return static_cast<std::int64_t>(is_numeric() ? numbers_.size() : strings_.size());
  }

  [[nodiscard]] bool is_na(std::int64_t row) const {
    const auto i = checked(row);
    return is_numeric() ? std::isnan(numbers_[i]) : missing_[i];
  }
  [[nodiscard]] std::int64_t count_na() const {
    std::int64_t n = 0;
    for (std::int64_t r = 0; r < size(); ++r) n += is_na(r);
    return n;
  }

  /// The value of a numeric column at `row` (NaN when missing).
  [[nodiscard]] double number(std::int64_t row) const {
    KAON_CHECK(is_numeric(), ValueError, "Column::number: column '", name_, "' holds text");
    return numbers_[checked(row)];
  }
  /// The value of a text column at `row` (empty when missing).
  [[nodiscard]] const std::string& text(std::int64_t row) const {
    KAON_CHECK(!is_numeric(), ValueError, "Column::text: column '", name_, "' is numeric");
    return strings_[checked(row)];
  }

  /// Where row `row` came from, for messages: "file.csv:12, column 3 ('name')" or "row 11".
  [[nodiscard]] std::string where(std::int64_t row) const {
    const auto i = checked(row);
    if (origin_.file.empty() || i >= origin_.lines.size()) {
      return kaon::detail::concat("row ", row, " of column '", name_, "'");
    }
    return kaon::detail::concat(origin_.file, ":", origin_.lines[i], ", column ", origin_.position,
                                " ('", name_, "')");
  }

  /// Row-wise `value == text` as a mask (NA compares unequal), as pandas' `df[c] == "x"`.
  [[nodiscard]] Tensor<bool> operator==(std::string_view value) const {
    return mask([&](std::size_t i) { return !missing_[i] && strings_[i] == value; }, "==");
  }
  [[nodiscard]] Tensor<bool> operator!=(std::string_view value) const {
    return mask([&](std::size_t i) { return missing_[i] || strings_[i] != value; }, "!=");
  }
  /// Mask of the rows whose value is one of `values`, as pandas' `isin`.
  [[nodiscard]] Tensor<bool> isin(const std::vector<std::string>& values) const {
    return mask(
        [&](std::size_t i) {
          if (missing_[i]) return false;
          for (const auto& v : values)
            if (strings_[i] == v) return true;
          return false;
        },
        "isin");
  }
  /// Row-wise comparisons of a numeric column with a number, as pandas' `df[c] > 3`; a missing
  /// value compares false (true for !=).
  [[nodiscard]] Tensor<bool> operator<(double v) const { return compare(v, "<", std::less<>()); }
  [[nodiscard]] Tensor<bool> operator<=(double v) const {
    return compare(v, "<=", std::less_equal<>());
  }
  [[nodiscard]] Tensor<bool> operator>(double v) const { return compare(v, ">", std::greater<>()); }
  [[nodiscard]] Tensor<bool> operator>=(double v) const {
    return compare(v, ">=", std::greater_equal<>());
  }
  [[nodiscard]] Tensor<bool> operator==(double v) const {
    return compare(v, "==", std::equal_to<>());
  }
  [[nodiscard]] Tensor<bool> operator!=(double v) const { return !(*this == v); }

  /// Statistics of a numeric column over its present values, as pandas' (skipna): count, sum,
  /// mean, var and std with ddof (1 by default, as pandas), min, max and median. Over no values
  /// they are NaN (sum 0, count 0).
  [[nodiscard]] std::int64_t count() const {
    return static_cast<std::int64_t>(present("count").size());
  }
  [[nodiscard]] double sum() const {
    double s = 0;
    for (const double v : present("sum")) s += v;
    return s;
  }
  [[nodiscard]] double mean() const { return mean_of(present("mean")); }
  [[nodiscard]] double var(int ddof = 1) const {
    const auto values = present("var");
    const double m = mean_of(values), n = static_cast<double>(values.size());
    double ss = 0;
    for (const double v : values) ss += (v - m) * (v - m);
    return n - ddof <= 0 ? std::nan("") : ss / (n - ddof);
  }
  [[nodiscard]] double std(int ddof = 1) const { return std::sqrt(var(ddof)); }
  [[nodiscard]] double min() const { return extreme("min", true); }
  [[nodiscard]] double max() const { return extreme("max", false); }
  [[nodiscard]] double median() const {
    auto values = present("median");
    if (values.empty()) return std::nan("");
    std::sort(values.begin(), values.end());
    const std::size_t h = values.size() / 2;
    return values.size() % 2 ? values[h] : (values[h - 1] + values[h]) / 2;
  }

  /// Arithmetic on a numeric column with a number or another column of the same length, as
  /// pandas': a numeric column named like this one; a missing value stays missing.
  [[nodiscard]] Column operator+(double v) const { return apply(v, "+", std::plus<>()); }
  [[nodiscard]] Column operator-(double v) const { return apply(v, "-", std::minus<>()); }
  [[nodiscard]] Column operator*(double v) const { return apply(v, "*", std::multiplies<>()); }
  [[nodiscard]] Column operator/(double v) const { return apply(v, "/", std::divides<>()); }
  [[nodiscard]] Column operator+(const Column& c) const { return apply(c, "+", std::plus<>()); }
  [[nodiscard]] Column operator-(const Column& c) const { return apply(c, "-", std::minus<>()); }
  [[nodiscard]] Column operator*(const Column& c) const {
    return apply(c, "*", std::multiplies<>());
  }
  [[nodiscard]] Column operator/(const Column& c) const { return apply(c, "/", std::divides<>()); }
  /// The same values under another name (pandas' `rename`), for DataFrame::set.
  [[nodiscard]] Column renamed(std::string name) const {
    Column c = *this;
    c.name_ = std::move(name);
    return c;
  }

  /// Masks of the missing and present rows.
  [[nodiscard]] Tensor<bool> isna() const { return na_mask(true); }
  [[nodiscard]] Tensor<bool> notna() const { return na_mask(false); }

  /// The column as a 1-D tensor. A text value or an NA is an error naming where it came from;
  /// an integer T also refuses values with a fractional part.
  template <class T = float, class D = cpu>
  [[nodiscard]] Tensor<T, D> to_tensor() const {
    std::vector<T> out(static_cast<std::size_t>(size()));
    for (std::int64_t r = 0; r < size(); ++r) out[static_cast<std::size_t>(r)] = value_as<T>(r);
    return from_vector<T, D>(out);
  }

  /// Row `row` converted to T, with the checks of to_tensor.
  template <class T>
  [[nodiscard]] T value_as(std::int64_t row) const {
    KAON_CHECK(is_numeric(), ValueError, "to_tensor: column '", name_, "' is not numeric: '",
               first_text(), "' at ", where(first_text_row()));
    const double v = numbers_[checked(row)];
    KAON_CHECK(!std::isnan(v), ValueError, "to_tensor: column '", name_,
               "' has a missing value at ", where(row), "; call dropna() first");
    if constexpr (std::is_integral_v<T>) {
      if constexpr (!std::is_same_v<T, bool>)
        KAON_CHECK(std::isfinite(v) && v >= -0x1p63 && v < 0x1p63, ValueError,
                   "to_tensor: column '", name_, "' value ", v, " at ", where(row),
                   " is outside int64's range");
      KAON_CHECK(v == std::floor(v), ValueError, "to_tensor: column '", name_, "' value ", v,
                 " at ", where(row), " is not an integer");
    }
    return static_cast<T>(v);
  }

  /// The rows listed in `rows`, in that order, keeping their origin.
  [[nodiscard]] Column take(const std::vector<std::int64_t>& rows) const {
    Column c = *this;
    c.origin_.lines.clear();
    if (is_numeric()) {
      c.numbers_.clear();
      for (auto r : rows) c.numbers_.push_back(numbers_[checked(r)]);
    } else {
      c.strings_.clear();
      c.missing_.clear();
      for (auto r : rows) {
        c.strings_.push_back(strings_[checked(r)]);
        c.missing_.push_back(missing_[checked(r)]);
      }
    }
    if (origin_.lines.size() == static_cast<std::size_t>(size())) {
      for (auto r : rows) c.origin_.lines.push_back(origin_.lines[checked(r)]);
    }
    return c;
  }

  [[nodiscard]] const Origin& origin() const { return origin_; }

 private:
  std::size_t checked(std::int64_t row) const {
    KAON_CHECK(row >= 0 && row < size(), IndexError, "Column '", name_, "': row ", row,
               " is out of range for ", size(), " rows");
    return static_cast<std::size_t>(row);
  }

  static double mean_of(const std::vector<double>& values) {
    double s = 0;
    for (const double v : values) s += v;
    return values.empty() ? std::nan("") : s / static_cast<double>(values.size());
  }
  void require_numeric(const char* op) const {
    KAON_CHECK(is_numeric(), ValueError, "Column ", op, ": column '", name_, "' is not numeric: '",
               first_text(), "' at ", where(first_text_row()));
  }
  std::vector<double> present(const char* op) const {
    require_numeric(op);
    std::vector<double> out;
    for (const double v : numbers_)
      if (!std::isnan(v)) out.push_back(v);
    return out;
  }
  double extreme(const char* op, bool smallest) const {
    const auto values = present(op);
    if (values.empty()) return std::nan("");
    return smallest ? *std::min_element(values.begin(), values.end())
                    : *std::max_element(values.begin(), values.end());
  }
  template <class Cmp>
  Tensor<bool> compare(double v, const char* op, Cmp cmp) const {
    require_numeric(op);
    std::vector<bool> m(numbers_.size());
    for (std::size_t i = 0; i < m.size(); ++i)
      m[i] = !std::isnan(numbers_[i]) && cmp(numbers_[i], v);
    return bool_tensor(m);
  }
  template <class Op>
  Column apply(double v, const char* op, Op f) const {
    require_numeric(op);
    Column out = *this;
    for (double& x : out.numbers_) x = std::isnan(x) ? x : f(x, v);
    return out;
  }
  template <class Op>
  Column apply(const Column& c, const char* op, Op f) const {
    require_numeric(op);
    c.require_numeric(op);
    KAON_CHECK(c.size() == size(), ShapeError, "Column ", op, ": columns '", name_, "' and '",
               c.name_, "' have ", size(), " and ", c.size(), " rows");
    Column out = *this;
    for (std::size_t i = 0; i < out.numbers_.size(); ++i)
      out.numbers_[i] = f(out.numbers_[i], c.numbers_[i]);  // NaN propagates
    return out;
  }

  template <class Pred>
  Tensor<bool> mask(Pred pred, const char* op) const {
    KAON_CHECK(!is_numeric(), ValueError, "Column ", op, ": column '", name_,
               "' is numeric; compare it with a number");
    std::vector<bool> m(strings_.size());
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = pred(i);
    return bool_tensor(m);
  }

  Tensor<bool> na_mask(bool na) const {
    std::vector<bool> m(static_cast<std::size_t>(size()));
    for (std::int64_t r = 0; r < size(); ++r) m[static_cast<std::size_t>(r)] = is_na(r) == na;
    return bool_tensor(m);
  }

  static Tensor<bool> bool_tensor(const std::vector<bool>& m) {
    auto t = empty<bool>({static_cast<std::int64_t>(m.size())});
    bool* p = t.data_ptr();
    for (std::size_t i = 0; i < m.size(); ++i) p[i] = m[i];
    return t;
  }

  // The first value that is not a number: the one to name when numbers are asked for.
  std::int64_t first_text_row() const {
    double ignored = 0;
    for (std::size_t i = 0; i < strings_.size(); ++i)
      if (!missing_[i] && !detail::parse_number(strings_[i], ignored))
        return static_cast<std::int64_t>(i);
    return 0;
  }
  std::string first_text() const {
    return strings_.empty() ? std::string() : strings_[static_cast<std::size_t>(first_text_row())];
  }

  std::string name_;
  Kind kind_;
  std::vector<double> numbers_;
  std::vector<std::string> strings_;
  std::vector<bool> missing_;
  Origin origin_;
};

}  // namespace kaon::data
