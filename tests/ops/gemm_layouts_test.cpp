// SPDX-License-Identifier: MIT
// The host GEMM on every layout it takes: a, b and c each row- or column-major with a leading
// dimension longer than a row, computed and accumulated, against the sum written out. Integer
// values keep every product and sum exact in float.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <kaon/kaon.hpp>
#include <new>
#include <vector>

#include "support/thread_count_guard.hpp"

namespace gemm_layouts_test {

using kaon::detail::MatrixRef;

// A [rows, cols] matrix in a buffer with `pad` unused elements after each row (or column), set
// to -99.5, which no integer sum can produce.
struct Stored {
  std::int64_t rows, cols, pad;
  bool row_major;
  std::vector<float> buffer;
  Stored(std::int64_t r, std::int64_t c, bool rm, std::int64_t p)
      : rows(r),
        cols(c),
        pad(p),
        row_major(rm),
        buffer(static_cast<std::size_t>((rm ? r * (c + p) : c * (r + p))), -99.5f) {}
  [[nodiscard]] std::int64_t ld() const { return (row_major ? cols : rows) + pad; }
  float& at(std::int64_t i, std::int64_t j) {
    return buffer[static_cast<std::size_t>(row_major ? i * ld() + j : j * ld() + i)];
  }
  MatrixRef<float> ref() { return {buffer.data(), rows, cols, ld(), row_major}; }
  MatrixRef<const float> cref() { return {buffer.data(), rows, cols, ld(), row_major}; }
};

TEST_CASE("gemm_cpu computes and accumulates on all eight layouts", "[ops][matmul]") {
  // M x K x N. 3x4x5 takes the loops for tiny products and 40x33x20 Eigen's GEMM kernel in one
  // block. 70x600x45 and 30x1500x40 take it in several: on this kind of machine their column
  // blocks are narrower than M (36 and 16 columns of c^T), and 30x1500x40's depth is split in
  // two panels of 752. 150x37x1 and 1x37x150 are matrix-vector products, some layouts too large
  // for small_gemv_cpu and left to Eigen's gemv. 131x800x330 is large enough to be split in two
  // (of the three threads set here), by rows of c: 66 and 65.
  const std::vector<std::vector<std::int64_t>> sizes = {{3, 4, 5},      {40, 33, 20}, {70, 600, 45},
                                                        {30, 1500, 40}, {150, 37, 1}, {1, 37, 150},
                                                        {131, 800, 330}};
  REQUIRE(131 * 800 * 330 >= 2 * kaon::detail::kParallelGemmMacs);
  REQUIRE(131 * 800 * 330 < 3 * kaon::detail::kParallelGemmMacs);
  kaon_test::ThreadCountGuard threads;
  kaon::set_num_threads(3);
  int cases = 0;
  for (const auto& mkn : sizes) {
    const std::int64_t M = mkn[0], K = mkn[1], N = mkn[2];
    for (int layout = 0; layout < 8; ++layout) {
      for (bool accumulate : {false, true}) {
        Stored a(M, K, layout & 1, 3), b(K, N, layout & 2, 2), c(M, N, layout & 4, 1);
        for (std::int64_t i = 0; i < M; ++i)
          for (std::int64_t k = 0; k < K; ++k) a.at(i, k) = static_cast<float>((i * 7 + k) % 5 - 2);
        for (std::int64_t k = 0; k < K; ++k)
          for (std::int64_t j = 0; j < N; ++j) b.at(k, j) = static_cast<float>((k + 3 * j) % 7 - 3);
        for (std::int64_t i = 0; i < M; ++i)
          for (std::int64_t j = 0; j < N; ++j) c.at(i, j) = static_cast<float>(i - j);
        kaon::detail::gemm_cpu(a.cref(), b.cref(), c.ref(), accumulate);
        INFO("M K N " << M << " " << K << " " << N << ", layout " << layout << ", accumulate "
                      << accumulate);
        for (std::int64_t i = 0; i < M; ++i)
          for (std::int64_t j = 0; j < N; ++j) {
            float want = accumulate ? static_cast<float>(i - j) : 0.0f;
            for (std::int64_t k = 0; k < K; ++k) want += a.at(i, k) * b.at(k, j);
            REQUIRE(c.at(i, j) == want);
          }
        // The gaps between c's rows (or columns) are not written.
        std::int64_t untouched = 0;
        for (float v : c.buffer) untouched += v == -99.5f;
        REQUIRE(untouched == (c.row_major ? M : N) * c.pad);
        ++cases;
      }
    }
  }
  REQUIRE(cases == 112);
}

TEST_CASE("Each part of a split product packs into a 64-byte aligned block",
          "[ops][matmul][threads]") {
  // Eigen's packing stores aligned vectors (64 bytes under AVX-512), and the parts of a split
  // product place their blocks one after another in one buffer: every block size must be a
  // multiple of 64 bytes. Odd depths such as 27 (a Linear(27, 100) on a large batch) give
  // packed blocks that are not.
  constexpr std::align_val_t kAlign{64};
  for (const std::int64_t n : {1, 3, 10, 100, 257})
    for (const std::int64_t rows : {32, 33, 1000, 6500, 65536})
      for (const std::int64_t depth : {1, 2, 26, 27, 301}) {
        INFO("blocking for " << n << " x " << rows << " x " << depth);
        kaon::detail::GemmBlocking<float> blocking(n, rows, depth);
        REQUIRE(blocking.bytes() % 64 == 0);
        auto* buffer = static_cast<std::byte*>(::operator new(blocking.bytes(), kAlign));
        blocking.place(buffer);
        CHECK(reinterpret_cast<std::uintptr_t>(blocking.blockB()) % 64 == 0);
        ::operator delete(buffer, kAlign);
        kaon::detail::GemmBlocking<double> wide(n, rows, depth);
        REQUIRE(wide.bytes() % 64 == 0);
      }
}

TEST_CASE("A product with an odd depth split over threads", "[ops][matmul][threads]") {
  // [13000, 27] @ [27, 100]: two parts of 6500 rows of c on two threads.
  const std::int64_t M = 13000, K = 27, N = 100;
  REQUIRE(M * K * N >= 2 * kaon::detail::kParallelGemmMacs);
  kaon_test::ThreadCountGuard threads;
  kaon::set_num_threads(2);
  Stored a(M, K, true, 0), b(K, N, false, 0), c(M, N, true, 0);
  for (std::int64_t i = 0; i < M; ++i)
    for (std::int64_t k = 0; k < K; ++k) a.at(i, k) = static_cast<float>((i * 5 + k) % 9 - 4);
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t j = 0; j < N; ++j) b.at(k, j) = static_cast<float>((2 * k + j) % 5 - 2);
  kaon::detail::gemm_cpu(a.cref(), b.cref(), c.ref(), false);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < M; ++i)
    for (std::int64_t j = 0; j < N; ++j) {
      float want = 0;
      for (std::int64_t k = 0; k < K; ++k) want += a.at(i, k) * b.at(k, j);
      wrong += c.at(i, j) != want;
    }
  CHECK(wrong == 0);
}

}  // namespace gemm_layouts_test
