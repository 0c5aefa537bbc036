// SPDX-License-Identifier: MIT
// Eigen's GEMM kernel called with packing buffers that kaon keeps per thread. Through Eigen's
// expression API every product allocates its packing buffers (hundreds of KB for a 256-wide
// layer) and frees them again; where freed blocks go back to the kernel, each product then pays
// for fresh pages. A training step of batch 256, 128 -> 256 -> 256 -> 10 spent 60% of its time
// in those page faults.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "kaon/backend/backend.hpp"

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
/// right operands in gemm_scratch.
template <class T>
class GemmBlocking : public Eigen::internal::level3_blocking<T, T> {
 public:
  GemmBlocking(Eigen::Index rows, Eigen::Index cols, Eigen::Index depth) {
    Eigen::internal::computeProductBlockingSizes<T, T, 1>(depth, rows, cols, Eigen::Index{1});
    this->m_mc = rows, this->m_nc = cols, this->m_kc = depth;
    constexpr std::size_t kAlign = 64;
    const std::size_t a =
        (static_cast<std::size_t>(rows * depth) * sizeof(T) + kAlign - 1) / kAlign * kAlign;
    std::byte* p = gemm_scratch(a + static_cast<std::size_t>(depth * cols) * sizeof(T));
    this->m_blockA = reinterpret_cast<T*>(p);
    this->m_blockB = reinterpret_cast<T*>(p + a);
  }
};

/// c += a @ b for a row-major c with no dimension 0, through Eigen's blocked GEMM kernel (one
/// instantiation per layout of a and b).
template <class T>
void blocked_gemm_cpu(const MatrixRef<const T>& a, const MatrixRef<const T>& b,
                      const MatrixRef<T>& c) {
  auto run = [&](auto a_order, auto b_order) {
    // Eigen solves a row-major c as the column-major c^T = b^T a^T: its blocking is for that.
    GemmBlocking<T> blocking(c.cols, c.rows, a.cols);
    Eigen::internal::general_matrix_matrix_product<Eigen::Index, T, decltype(a_order)::value, false,
                                                   T, decltype(b_order)::value, false,
                                                   Eigen::RowMajor, 1>::run(c.rows, c.cols, a.cols,
                                                                            a.data, a.ld, b.data,
                                                                            b.ld, c.data, 1, c.ld,
                                                                            T(1), blocking);
  };
  using Row = std::integral_constant<int, Eigen::RowMajor>;
  using Col = std::integral_constant<int, Eigen::ColMajor>;
  if (a.row_major)
    b.row_major ? run(Row{}, Row{}) : run(Row{}, Col{});
  else
    b.row_major ? run(Col{}, Row{}) : run(Col{}, Col{});
}

}  // namespace kaon::detail
