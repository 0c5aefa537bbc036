// SPDX-License-Identifier: MIT
// The three paths of the CPU's element-wise loop (backend/cpu/elementwise_loop.hpp): each case
// first checks which path its plan takes, then every element of the result against the same
// float arithmetic done here one element at a time, on one thread and on two.
#include <catch2/catch.hpp>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <vector>

#include "support/thread_count_guard.hpp"

namespace elementwise_paths_test {

using kaon::Shape;
using kaon::Tensor;
using Path = kaon::detail::ElementwisePath;

/// The path a op b into out takes.
Path path_of(const Tensor<float>& out, const Tensor<float>& a, const Tensor<float>& b) {
  return kaon::detail::elementwise_path(kaon::detail::plan_into<kaon::cpu>(
      "add", out.shape(), out.strides(), out.is_contiguous(), a, b));
}

/// Element i of x in row-major order of its shape, read through its strides.
float at(const Tensor<float>& x, std::int64_t i) {
  std::int64_t off = x.storage_offset();
  for (int d = x.dim() - 1; d >= 0; --d) {
    off += (i % x.size(d)) * x.stride(d);
    i /= x.size(d);
  }
  return x.data_ptr()[off - x.storage_offset()];
}

/// out = a * 2 - b computed one element at a time, a and b broadcast to out's shape.
std::vector<float> expected(const Shape& shape, const Tensor<float>& a, const Tensor<float>& b) {
  const auto ae = a.expand(shape), be = b.expand(shape);
  std::vector<float> want(static_cast<std::size_t>(shape.numel()));
  for (std::int64_t i = 0; i < shape.numel(); ++i)
    want[static_cast<std::size_t>(i)] = at(ae, i) * 2.0f - at(be, i);
  return want;
}

/// Checks that a * 2 - b (not commutative, so swapped operands show) takes `path` and holds the
/// right values.
void check(const Tensor<float>& a, const Tensor<float>& b, Path path) {
  for (const int threads : {1, 2}) {
    kaon_test::ThreadCountGuard guard;
    kaon::set_num_threads(threads);
    const auto a2 = a * 2.0f;
    const auto shape = kaon::detail::broadcast_shapes(a2.shape(), b.shape(), "add");
    const Tensor<float> out(shape);
    REQUIRE(path_of(out, a2, b) == path);
    const auto got = a2 - b;
    CHECK(got.to_vector() == expected(shape, a, b));
  }
}

}  // namespace elementwise_paths_test

using elementwise_paths_test::check;
using elementwise_paths_test::Path;

TEST_CASE("The contiguous path: dense operands, small and split over threads", "[ops][paths]") {
  kaon::manual_seed(1);
  check(kaon::rand({7}), kaon::rand({7}), Path::contiguous);
  check(kaon::rand({300001}), kaon::rand({300001}), Path::contiguous);
  check(kaon::rand({3, 5}), kaon::rand({3, 5}), Path::contiguous);
}

TEST_CASE("The broadcast-rows path: a row, a column, a scalar, short and long rows",
          "[ops][paths]") {
  kaon::manual_seed(2);
  for (const std::int64_t cols : {1, 2, 3, 50, 128, 129, 300, 1000})
    for (const std::int64_t rows : {2, 7, 131, 2049}) {
      INFO("rows " << rows << ", cols " << cols);
      const auto m = kaon::rand({rows, cols});
      if (cols > 1) check(m, kaon::rand({cols}), Path::broadcast_rows);     // a row
      if (cols > 1) check(m, kaon::rand({rows, 1}), Path::broadcast_rows);  // a column
      if (cols > 1) check(kaon::rand({rows, 1}), kaon::rand({cols}), Path::broadcast_rows);
      if (cols > 1 && rows > 1) check(m, kaon::rand({cols, rows}).t(), Path::broadcast_rows);
    }
}

TEST_CASE("The general path: rank 3 after merging dims, and strided outputs", "[ops][paths]") {
  kaon::manual_seed(3);
  check(kaon::rand({4, 1, 6}), kaon::rand({5, 1}), Path::general);
  check(kaon::rand({3, 300, 2}), kaon::rand({300, 1}), Path::general);
  // In place into a transposed view: the output's rows are not dense.
  for (const int threads : {1, 2}) {
    kaon_test::ThreadCountGuard guard;
    kaon::set_num_threads(threads);
    auto base = kaon::rand({300, 700});
    const auto before = base.clone();
    auto view = base.t();  // [700, 300], strides [1, 700]
    const auto row = kaon::rand({300});
    REQUIRE(elementwise_paths_test::path_of(view, view, row) == Path::general);
    view += row;
    const auto b = before.to_vector(), r = row.to_vector(), got = base.to_vector();
    std::int64_t wrong = 0;
    for (std::int64_t i = 0; i < 300; ++i)
      for (std::int64_t j = 0; j < 700; ++j)
        wrong += got[static_cast<std::size_t>(i * 700 + j)] !=
                 b[static_cast<std::size_t>(i * 700 + j)] + r[static_cast<std::size_t>(i)];
    CHECK(wrong == 0);
  }
}
