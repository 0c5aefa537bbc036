// SPDX-License-Identifier: MIT
// data::read_csv: a header row, comma-separated fields with RFC 4180 quoting ("a ""b""", fields
// spanning lines), pandas' NA tokens, and per-column types inferred as pandas does: a column is
// numeric when every value that is not NA reads as a number, text otherwise.
//
//   auto df = kaon::data::read_csv("penguins.csv");     // pd.read_csv("penguins.csv")
//
// A malformed file is a kaon::IOError naming the file, the line and the column.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kaon/core/error.hpp"
#include "kaon/data/column.hpp"
#include "kaon/data/frame.hpp"
#include "kaon/data/parse_number.hpp"

namespace kaon::data {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  /// Fields read as missing: pandas' default NA tokens ("" and "NA" among them).
  std::vector<std::string> na_values = {
      "",     "NA",   "N/A",  "n/a", "NaN",      "nan",     "-NaN",     "-nan",   "NULL",   "null",
      "#N/A", "<NA>", "None", "#NA", "#N/A N/A", "1.#QNAN", "-1.#QNAN", "1.#IND", "-1.#IND"};

  CsvOptions& with_delimiter(char d) { return delimiter = d, *this; }
  /// Replaces the NA tokens (pandas' na_values with keep_default_na=False).
  CsvOptions& with_na_values(std::vector<std::string> v) { return na_values = std::move(v), *this; }
};

namespace detail {

/// One record: its fields and the line on which it starts.
struct CsvRecord {
  std::vector<std::string> fields;
  std::int64_t line = 0;
};

/// Splits CSV text into records; blank lines are skipped, "\r\n" ends a line like "\n".
class CsvScanner {
 public:
  CsvScanner(std::string_view text, const std::string& file, const CsvOptions& options)
      : text_(text), file_(file), opt_(options) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // UTF-8 byte-order mark
  }

  /// The next record, or false at the end of the text.
  bool next(CsvRecord& record) {
    skip_blank_lines();
    if (pos_ >= text_.size()) return false;
    record.fields.clear();
    record.line = line_;
    while (true) {
      record.fields.push_back(field(record));
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == opt_.delimiter) continue;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;  // c ended the line
      return true;
    }
  }

 private:
  void skip_blank_lines() {
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  // Reads one field, leaving pos_ on the delimiter or line end that follows it.
  std::string field(const CsvRecord& record) {
    const auto column = record.fields.size() + 1;
    std::string out;
    if (pos_ < text_.size() && text_[pos_] == opt_.quote) {
      const std::int64_t opened = line_;
      ++pos_;
      while (true) {
        KAON_CHECK(pos_ < text_.size(), IOError, "read_csv: ", file_, ":", opened, ", column ",
                   column, ": quoted field is not closed before the end of the file");
        const char c = text_[pos_++];
        if (c == opt_.quote) {
          if (pos_ < text_.size() && text_[pos_] == opt_.quote) {
            out += c;  // "" inside quotes is one quote
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        out += c;
      }
      KAON_CHECK(at_field_end(), IOError, "read_csv: ", file_, ":", line_, ", column ", column,
                 ": unexpected '", text_[pos_], "' after a closing quote");
      return out;
    }
    while (!at_field_end()) {
      KAON_CHECK(text_[pos_] != opt_.quote, IOError, "read_csv: ", file_, ":", line_, ", column ",
                 column, ": a quote inside an unquoted field");
      out += text_[pos_++];
    }
    return out;
  }

  bool at_field_end() const {
    return pos_ >= text_.size() || text_[pos_] == opt_.delimiter || text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] == '\n'));
  }

  std::string_view text_;
  const std::string& file_;
  const CsvOptions& opt_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
};

/// Builds one column from its raw fields: numeric when every non-NA field is a number.
inline Column make_column(std::string name, std::vector<std::string> raw,
                          const std::vector<bool>& missing, Origin origin) {
  std::vector<double> numbers(raw.size());
  bool numeric = true;
  for (std::size_t i = 0; i < raw.size() && numeric; ++i) {
    if (missing[i]) {
      numbers[i] = std::numeric_limits<double>::quiet_NaN();
    } else {
      numeric = parse_number(raw[i], numbers[i]);
    }
  }
  if (numeric) return Column(std::move(name), std::move(numbers), std::move(origin));
  for (std::size_t i = 0; i < raw.size(); ++i)
    if (missing[i]) raw[i].clear();
  return Column(std::move(name), std::move(raw), missing, std::move(origin));
}

}  // namespace detail

/// Reads CSV text; `file` names its source in error messages.
inline DataFrame parse_csv(std::string_view text, const std::string& file = "<text>",
                           const CsvOptions& options = {}) {
  detail::CsvScanner scanner(text, file, options);
  detail::CsvRecord header;
  KAON_CHECK(scanner.next(header), IOError, "read_csv: ", file,
             " is empty: expected a header row naming the columns");
  const std::size_t n = header.fields.size();
  const auto repeat = detail::first_repeat(
      std::vector<std::string_view>(header.fields.begin(), header.fields.end()));
  if (repeat) {
    const auto [j, i] = *repeat;
    kaon::detail::raise<IOError>("read_csv: ", file, ":", header.line, ", column ", i + 1,
                                 ": the name '", header.fields[i], "' is also column ", j + 1);
  }

  std::vector<std::vector<std::string>> raw(n);
  std::vector<std::vector<bool>> missing(n);
  std::vector<std::int64_t> lines;
  detail::CsvRecord record;
  while (scanner.next(record)) {
    KAON_CHECK(record.fields.size() == n, IOError, "read_csv: ", file, ":", record.line,
               ", column ", std::min(record.fields.size(), n) + 1, ": expected ", n,
               " fields as in the header, found ", record.fields.size());
    for (std::size_t c = 0; c < n; ++c) {
      auto& f = record.fields[c];
      bool na = false;
      for (const auto& token : options.na_values) na = na || f == token;
      missing[c].push_back(na);
      raw[c].push_back(std::move(f));
    }
    lines.push_back(record.line);
  }

  std::vector<Column> columns;
  for (std::size_t c = 0; c < n; ++c) {
    columns.push_back(detail::make_column(header.fields[c], std::move(raw[c]), missing[c],
                                          Origin{file, static_cast<std::int64_t>(c + 1), lines}));
  }
  return DataFrame(std::move(columns));
}

/// Reads a CSV file with a header row, as pandas' `pd.read_csv(path)`.
inline DataFrame read_csv(const std::filesystem::path& path, const CsvOptions& options = {}) {
  std::ifstream in(path, std::ios::binary);
  KAON_CHECK(in.good(), IOError, "read_csv: cannot open '", path.string(), "'",
             std::filesystem::exists(path) ? "" : ": no such file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  KAON_CHECK(!in.bad(), IOError, "read_csv: error reading '", path.string(), "'");
  return parse_csv(text, path.string(), options);
}

}  // namespace kaon::data
