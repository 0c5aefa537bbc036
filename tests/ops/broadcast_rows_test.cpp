// SPDX-License-Identifier: MIT
// Element-wise ops over [rows, cols] with a row [cols], a column [rows, 1], a 0-d tensor or a
// transposed view as the other operand. Short rows (cols <= 128) are computed many rows at a
// time, so these cover row counts that leave a partial block, widths on either side of that
// limit, in-place forms and several threads; each element is checked against the same float
// operation done one element at a time.
#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <kaon/kaon.hpp>
#include <vector>

#include "support/thread_count_guard.hpp"

namespace broadcast_rows_test {

using kaon::Tensor;

/// [rows, cols] values in [1, 2), none repeating along a row or a column.
Tensor<float> grid(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  kaon::manual_seed(seed);
  return kaon::rand<float>({rows, cols}) + 1.0f;
}

/// Element (r, c) of x read through its shape after broadcasting to [rows, cols]: x is
/// [rows, cols], [cols], [rows, 1] or 0-d.
float at(const Tensor<float>& x, const std::vector<float>& v, std::int64_t r, std::int64_t c) {
  if (x.dim() == 0) return v[0];
  if (x.dim() == 1) return v[static_cast<std::size_t>(c)];
  const std::int64_t cols = x.shape()[1];
  return v[static_cast<std::size_t>(cols == 1 ? r : r * cols + c)];
}

/// Checks got == f(a(r, c), b(r, c)) for every element, both operands broadcast.
void check_each(const Tensor<float>& got, const Tensor<float>& a, const Tensor<float>& b,
                const std::function<float(float, float)>& f) {
  const std::int64_t rows = got.shape()[0], cols = got.shape()[1];
  const auto g = got.to_vector(), va = a.contiguous().to_vector(), vb = b.contiguous().to_vector();
  std::int64_t wrong = 0, first = -1;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c)
      if (g[static_cast<std::size_t>(r * cols + c)] != f(at(a, va, r, c), at(b, vb, r, c))) {
        if (first < 0) first = r * cols + c;
        ++wrong;
      }
  INFO("shape " << got.shape() << ", a " << a.shape() << ", b " << b.shape() << ": " << wrong
                << " wrong elements, the first at flat index " << first);
  CHECK(wrong == 0);
}

void check_shape(std::int64_t rows, std::int64_t cols) {
  const auto a = grid(rows, cols, 1), row = grid(1, cols, 2).reshape({cols}),
             col = grid(rows, 1, 3), full = grid(rows, cols, 4);
  const auto zero_d = kaon::tensor(1.75f);
  const auto minus = [](float x, float y) { return x - y; };
  const auto times = [](float x, float y) { return x * y; };
  const auto over = [](float x, float y) { return x / y; };
  const auto plus = [](float x, float y) { return x + y; };
  check_each(a - row, a, row, minus);
  check_each(row * a, row, a, times);
  check_each(a / col, a, col, over);
  check_each(col - a, col, a, minus);
  check_each(a + zero_d, a, zero_d, plus);
  check_each(a * full, a, full, times);

  // A transposed view is read with strides (1, rows): gathered, not read as rows.
  const auto at_view = grid(cols, rows, 5).t();
  check_each(at_view + row, at_view, row, plus);
  check_each(col * at_view, col, at_view, times);

  // In place: the output is also the first input.
  auto in_row = a.clone();
  in_row -= row;
  check_each(in_row, a, row, minus);
  auto in_col = a.clone();
  in_col /= col;
  check_each(in_col, a, col, over);
  auto in_view = a.clone();
  in_view *= at_view;
  check_each(in_view, a, at_view, times);
}

}  // namespace broadcast_rows_test

TEST_CASE("Broadcasting over short and long rows gives every element its own result",
          "[ops][broadcast]") {
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(1);
  for (const std::int64_t cols : {1, 2, 3, 8, 50, 100, 128, 129, 300})
    for (const std::int64_t rows : {1, 7, 130, 1001}) {
      INFO("rows " << rows << ", cols " << cols);
      broadcast_rows_test::check_shape(rows, cols);
    }
}

TEST_CASE("Short rows split across threads give the one-thread result", "[ops][broadcast]") {
  kaon_test::ThreadCountGuard guard;
  kaon::set_num_threads(3);
  // 300,009 elements: more than two parallel grains, so threads start mid-block.
  broadcast_rows_test::check_shape(100003, 3);
  broadcast_rows_test::check_shape(6007, 50);
}

TEST_CASE("An in-place op whose input shares the output's first row is refused",
          "[ops][broadcast]") {
  auto a = broadcast_rows_test::grid(6, 3, 7);
  const auto first_row = a.slice(0, 0, 1);
  REQUIRE_THROWS_WITH(a -= first_row, Catch::Matchers::Contains("sub_") &&
                                          Catch::Matchers::Contains("single memory location"));
}
