// SPDX-License-Identifier: MIT
// Matrix products: mm for two matrices, matmul with PyTorch's rules for 1-D operands and
// broadcast batch dims. Each matrix goes to the backend's gemm as a strided view, without a
// copy when one of its two strides is 1.
#pragma once

#include "kaon/backend/backend.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {
namespace detail {

/// A [rows, cols] view as a gemm operand; copies only when neither stride is unit.
template <class T, class D>
MatrixRef<const T> as_matrix(const Tensor<T, D>& m, Tensor<T, D>& keep) {
  const std::int64_t r = m.size(0), c = m.size(1), s0 = m.stride(0), s1 = m.stride(1);
  if (s1 == 1 || c == 1)
    return {m.data_ptr(), r, c, r == 1 ? std::max<std::int64_t>(c, 1) : std::max(s0, c), true};
  if (s0 == 1 || r == 1)
    return {m.data_ptr(), r, c, c == 1 ? std::max<std::int64_t>(r, 1) : std::max(s1, r), false};
  keep = m.contiguous();
  return {keep.data_ptr(), r, c, std::max<std::int64_t>(c, 1), true};
}

template <class T, class D>
void gemm_into(const Tensor<T, D>& a, const Tensor<T, D>& b, Tensor<T, D>& c) {
  Tensor<T, D> ka, kb;
  const auto A = as_matrix(a, ka);
  const auto B = as_matrix(b, kb);
  backend<D>::gemm(
      A, B,
      MatrixRef<T>{c.data_ptr(), c.size(0), c.size(1), std::max<std::int64_t>(c.size(1), 1), true},
      false);
}

}  // namespace detail

/// The product of two matrices [n, k] @ [k, m] -> [n, m].
template <class T, class D>
Tensor<T, D> mm(const Tensor<T, D>& a, const Tensor<T, D>& b) {
  static_assert(!std::is_same_v<T, bool>, "mm: bool matrices are not supported");
  KAON_CHECK(a.dim() == 2 && b.dim() == 2, ShapeError, "mm: expects two matrices, got ", a.shape(),
             " @ ", b.shape());
  KAON_CHECK(a.size(1) == b.size(0), ShapeError, "mm: inner dimensions differ: ", a.shape(), " @ ",
             b.shape());
  Tensor<T, D> c({a.size(0), b.size(1)});
  detail::gemm_into(a, b, c);
  return c;
}

/// torch.matmul: dot for two vectors, mm for two matrices, a vector is promoted to a matrix
/// (and the added dim removed afterwards), and leading batch dims broadcast.
template <class T, class D>
Tensor<T, D> matmul(const Tensor<T, D>& a, const Tensor<T, D>& b) {
  static_assert(!std::is_same_v<T, bool>, "matmul: bool tensors are not supported");
  KAON_CHECK(a.dim() >= 1 && b.dim() >= 1, ShapeError,
             "matmul: both arguments need at least 1 dimension, got ", a.shape(), " @ ", b.shape());
  const Tensor<T, D> A = a.dim() == 1 ? a.unsqueeze(0) : a;
  const Tensor<T, D> B = b.dim() == 1 ? b.unsqueeze(1) : b;
  const std::int64_t n = A.size(-2), k = A.size(-1), k2 = B.size(-2), m = B.size(-1);
  KAON_CHECK(k == k2, ShapeError, "matmul: inner dimensions differ: ", a.shape(), " @ ", b.shape());
  Shape batch_a, batch_b;
  for (int i = 0; i < A.dim() - 2; ++i) batch_a.push_back(A.size(i));
  for (int i = 0; i < B.dim() - 2; ++i) batch_b.push_back(B.size(i));
  const Shape batch = detail::broadcast_shapes(batch_a, batch_b, "matmul");
  Shape ea = batch, eb = batch, out_shape = batch;
  ea.push_back(n), ea.push_back(k);
  eb.push_back(k), eb.push_back(m);
  out_shape.push_back(n), out_shape.push_back(m);
  const Tensor<T, D> Ae = A.expand(ea), Be = B.expand(eb);
  Tensor<T, D> out(out_shape);
  const std::int64_t count = batch.numel();
  const Tensor<T, D> A3 = Ae.dim() == 2 ? Ae : Ae.reshape({count, n, k});
  const Tensor<T, D> B3 = Be.dim() == 2 ? Be : Be.reshape({count, k, m});
  Tensor<T, D> O3 = out.dim() == 2 ? out : out.view({count, n, m});
  if (out.dim() == 2) {
    detail::gemm_into(A3, B3, O3);
  } else {
    for (std::int64_t i = 0; i < count; ++i) {
      Tensor<T, D> o = O3.select(0, i);
      detail::gemm_into(A3.select(0, i), B3.select(0, i), o);
    }
  }
  Tensor<T, D> r = out;
  if (b.dim() == 1) r = r.squeeze(-1);
  if (a.dim() == 1) r = r.squeeze(a.dim() == 1 && b.dim() == 1 ? 0 : -2);
  return r;
}

}  // namespace kaon
