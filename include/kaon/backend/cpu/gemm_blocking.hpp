// SPDX-License-Identifier: MIT
// Eigen's GEMM kernel called with packing buffers that kaon keeps per thread. Through Eigen's
// expression API every product allocates its packing buffers (hundreds of KB for a 256-wide
// layer) and frees them again; where freed blocks go back to the kernel, each product then pays
// for fresh pages. A training step of batch 256, 128 -> 256 -> 256 -> 10 spent 60% of its time
// in those page faults.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cpu/parallel.hpp"

static_assert(EIGEN_VERSION_AT_LEAST(3, 4, 0),
              "kaon calls Eigen 3.4's general_matrix_matrix_product and level3_blocking");

namespace kaon::detail {

/// At least `bytes` bytes, 64-byte aligned, owned by the calling thread: the buffer grows when a
/// call needs more, is reused by the next call, and is freed when the thread ends.
inline std::byte* gemm_scratch(std::size_t bytes) {
  static constexpr std::align_val_t kAlign{64};
  struct Buffer {
    std::byte* data = nullptr;
    std::size_t size = 0;
    ~Buffer() { ::operator delete(data, kAlign); }
  };
  thread_local Buffer buffer;
  if (bytes > buffer.size) {
    ::operator delete(buffer.data, kAlign);
    buffer.data = nullptr, buffer.size = 0;
    buffer.data = static_cast<std::byte*>(::operator new(bytes, kAlign));
    buffer.size = bytes;
  }
  return buffer.data;
}

/// Eigen's blocking sizes for a column-major rows x cols x depth product (as Eigen's own
/// gemm_blocking_space computes them, single thread), with its packed blocks of the left and
/// right operands in a buffer of bytes() bytes, 64-byte aligned, that the caller provides.
template <class T>
class GemmBlocking : public Eigen::internal::level3_blocking<T, T> {
 public:
  GemmBlocking(Eigen::Index rows, Eigen::Index cols, Eigen::Index depth) {
    Eigen::internal::computeProductBlockingSizes<T, T, 1>(depth, rows, cols, Eigen::Index{1});
    this->m_mc = rows, this->m_nc = cols, this->m_kc = depth;
  }
  /// The buffer's size: block A, then block B, each padded to a multiple of 64 bytes, so the
  /// buffers of parts placed one after another all start 64-byte aligned (Eigen's packing
  /// stores aligned vectors: an AVX-512 build faults on a block that is not).
  [[nodiscard]] std::size_t bytes() const {
    return padded(a_elements() * sizeof(T)) + padded(b_elements() * sizeof(T));
  }
  void place(std::byte* buffer) {
    this->m_blockA = reinterpret_cast<T*>(buffer);
    this->m_blockB = reinterpret_cast<T*>(buffer + padded(a_elements() * sizeof(T)));
  }

 private:
  static std::size_t padded(std::size_t bytes) {
    constexpr std::size_t kAlign = 64;
    return (bytes + kAlign - 1) / kAlign * kAlign;
  }
  [[nodiscard]] std::size_t a_elements() const {
    return static_cast<std::size_t>(this->m_mc * this->m_kc);
  }
  [[nodiscard]] std::size_t b_elements() const {
    return static_cast<std::size_t>(this->m_kc * this->m_nc);
  }
};

/// Multiply-adds each part of a split product gets at least: about 250 us of work. With half
/// that, 256 x 256 x 256 went in two parts on a 2-core machine, and the time of a training step
/// of 256-wide layers on two threads varied from run to run between no change and 40% slower.
inline constexpr std::int64_t kParallelGemmMacs = std::int64_t{1} << 24;

/// c += a @ b for a row-major c with no dimension 0, through Eigen's blocked GEMM kernel (one
/// instantiation per layout of a and b). A large product is split by rows of c over
/// kaon::get_num_threads() threads; each part packs its own blocks into its slice of the calling
/// thread's gemm_scratch.
template <class T>
void blocked_gemm_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b,
                      const MatrixRef<T>& c) {
  const std::int64_t m = c.rows, n = c.cols, k = a.cols;
  const std::int64_t macs = m * n * k;
  constexpr std::int64_t kMinRows = 32;  // a part's rows; fewer would repack b for little work
  const std::int64_t parts =
      std::max<std::int64_t>(1, std::min({static_cast<std::int64_t>(get_num_threads()),
                                          macs / kParallelGemmMacs, m / kMinRows}));
  const std::int64_t rows = (m + parts - 1) / parts, last = m - (parts - 1) * rows;
  // Eigen solves a row-major c as the column-major c^T = b^T a^T: its blocking is for that.
  // Every part but the last has `rows` rows (one part: the last has them too).
  const GemmBlocking<T> full(n, rows, k);
  const GemmBlocking<T> tail = last == rows || last <= 0 ? full : GemmBlocking<T>(n, last, k);
  const std::size_t slice = std::max(full.bytes(), tail.bytes());
  std::byte* scratch = gemm_scratch(slice * static_cast<std::size_t>(parts));
  auto run = [&](auto a_order, auto b_order) {
    parallel_for(0, parts, 1, [&](std::int64_t p0, std::int64_t p1) {
      for (std::int64_t p = p0; p < p1; ++p) {
        const std::int64_t r0 = p * rows, r = std::min(m, r0 + rows) - r0;
        if (r <= 0) continue;
        GemmBlocking<T> blocking = r == rows ? full : tail;
        blocking.place(scratch + static_cast<std::size_t>(p) * slice);
        Eigen::internal::general_matrix_matrix_product<
            Eigen::Index, T, decltype(a_order)::value, false, T, decltype(b_order)::value, false,
            Eigen::RowMajor, 1>::run(r, n, k, a.data + r0 * (a.row_major ? a.ld : 1), a.ld, b.data,
                                     b.ld, c.data + r0 * c.ld, 1, c.ld, T(1), blocking);
      }
    });
  };
  using Row = std::integral_constant<int, Eigen::RowMajor>;
  using Col = std::integral_constant<int, Eigen::ColMajor>;
  if (a.row_major)
    b.row_major ? run(Row{}, Row{}) : run(Row{}, Col{});
  else
    b.row_major ? run(Col{}, Row{}) : run(Col{}, Col{});
}

}  // namespace kaon::detail
