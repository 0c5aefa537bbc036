// SPDX-License-Identifier: MIT
// Matrix products on the device: cuBLAS for float and double (one call for a whole batch with
// cublas<t>gemmStridedBatched), a plain kernel for int64, which cuBLAS does not multiply.
// cuBLAS is column-major; a row-major matrix with leading dimension ld is the column-major
// matrix of its transpose, so C = A B is computed as C^T = B^T A^T when C is row-major.
#pragma once

#include <climits>
#include <cstdint>
#include <type_traits>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cuda/check.cuh"
#include "kaon/backend/cuda/launch.cuh"

namespace kaon::detail {

/// The process's cuBLAS handle, made on first use.
inline cublasHandle_t cublas_handle() {
  static const cublasHandle_t handle = [] {
    require_cuda_device();
    cublasHandle_t h = nullptr;
    KAON_CUBLAS_CHECK(cublasCreate(&h));
    return h;
  }();
  return handle;
}

/// One product of a batch, for the int64 kernel: element (i, j) of a MatrixRef.
template <class T>
__device__ T& matrix_at(const MatrixRef<T>& m, std::int64_t i, std::int64_t j) {
  return m.row_major ? m.data[i * m.ld + j] : m.data[i + j * m.ld];
}

/// One thread per output element of each product of the batch (int64 matrices).
template <class T>
__global__ void gemm_int_kernel(MatrixRef<const T> a, MatrixRef<const T> b, MatrixRef<T> c,
                                std::int64_t batch, std::int64_t sa, std::int64_t sb,
                                std::int64_t sc, bool accumulate) {
  const std::int64_t per = c.rows * c.cols;
  for (std::int64_t t = cuda_thread_index(); t < batch * per; t += cuda_grid_stride()) {
    const std::int64_t n = t / per, i = (t % per) / c.cols, j = t % c.cols;
    MatrixRef<const T> an = a, bn = b;
    MatrixRef<T> cn = c;
    an.data += n * sa, bn.data += n * sb, cn.data += n * sc;
    T sum = accumulate ? matrix_at(cn, i, j) : T(0);
    for (std::int64_t k = 0; k < a.cols; ++k) sum += matrix_at(an, i, k) * matrix_at(bn, k, j);
    matrix_at(cn, i, j) = sum;
  }
}

inline int blas_int(std::int64_t v) {
  KAON_CHECK(v <= INT_MAX, ValueError, "matmul: dimension ", v,
             " is larger than cuBLAS accepts (2^31 - 1)");
  return static_cast<int>(v);
}

/// cuBLAS's strided batched gemm for float and double (a batch of one is a plain gemm).
inline cublasStatus_t cublas_gemm_batched(cublasHandle_t h, cublasOperation_t ta,
                                          cublasOperation_t tb, int m, int n, int k,
                                          const float* alpha, const float* a, int lda, long long sa,
                                          const float* b, int ldb, long long sb, const float* beta,
                                          float* c, int ldc, long long sc, int batch) {
  return cublasSgemmStridedBatched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc,
                                   sc, batch);
}
inline cublasStatus_t cublas_gemm_batched(cublasHandle_t h, cublasOperation_t ta,
                                          cublasOperation_t tb, int m, int n, int k,
                                          const double* alpha, const double* a, int lda,
                                          long long sa, const double* b, int ldb, long long sb,
                                          const double* beta, double* c, int ldc, long long sc,
                                          int batch) {
  return cublasDgemmStridedBatched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc,
                                   sc, batch);
}

/// c_n = a_n @ b_n (or +=) for n < batch, matrix n of each operand starting sa, sb, sc elements
/// after the previous one.
template <class T>
void cuda_gemm(const MatrixRef<const T>& a, const MatrixRef<const T>& b, const MatrixRef<T>& c,
               bool accumulate, std::int64_t batch, std::int64_t sa, std::int64_t sb,
               std::int64_t sc) {
  if (c.rows == 0 || c.cols == 0 || batch == 0) return;
  if constexpr (!std::is_floating_point_v<T>) {
    KAON_CUDA_LAUNCH(gemm_int_kernel<T>, batch * c.rows * c.cols, a, b, c, batch, sa, sb, sc,
                     accumulate);
  } else {
    // Column-major call C' = op(X) op(Y): C' is C (column-major C) or C^T (row-major C).
    const bool ct = c.row_major;
    const MatrixRef<const T>& x = ct ? b : a;
    const MatrixRef<const T>& y = ct ? a : b;
    // X's memory read column-major is X when x is column-major and C is too, and so on: an
    // operand needs a transpose exactly when its order differs from C's.
    const cublasOperation_t opx = x.row_major == ct ? CUBLAS_OP_N : CUBLAS_OP_T;
    const cublasOperation_t opy = y.row_major == ct ? CUBLAS_OP_N : CUBLAS_OP_T;
    const int m = blas_int(ct ? c.cols : c.rows), n = blas_int(ct ? c.rows : c.cols);
    const int k = blas_int(a.cols);
    const T alpha = 1, beta = accumulate ? 1 : 0;
    if (k == 0) {
      if (!accumulate) {  // an empty sum: zeros, written row by row (column by column)
        const std::size_t pitch = static_cast<std::size_t>(c.ld) * sizeof(T);
        for (std::int64_t i = 0; i < batch; ++i)
          KAON_CUDA_CHECK(cudaMemset2D(c.data + i * sc, pitch, 0, m * sizeof(T), n));
      }
      return;
    }
    const int ldx = blas_int(x.ld), ldy = blas_int(y.ld), ldc = blas_int(c.ld);
    const std::int64_t sx = ct ? sb : sa, sy = ct ? sa : sb;
    KAON_CUBLAS_CHECK(cublas_gemm_batched(cublas_handle(), opx, opy, m, n, k, &alpha, x.data, ldx,
                                          sx, y.data, ldy, sy, &beta, c.data, ldc, sc,
                                          blas_int(batch)));
  }
}

}  // namespace kaon::detail
