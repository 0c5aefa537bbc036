// SPDX-License-Identifier: MIT
// data::detail::parse_number: a whole text field as a double, the way pandas reads numbers
// (surrounding spaces allowed, a leading '+', "inf" and "nan" in any case).
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>

namespace kaon::data::detail {

/// True and the value in `out` when all of `field` (spaces aside) is one number.
inline bool parse_number(std::string_view field, double& out) {
  while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
  while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.remove_suffix(1);
  if (!field.empty() && field.front() == '+') {
    field.remove_prefix(1);
    if (!field.empty() && (field.front() == '+' || field.front() == '-')) return false;
  }
  if (field.empty()) return false;
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace kaon::data::detail
