// SPDX-License-Identifier: MIT
// Matrix products: mm for two matrices, matmul with PyTorch's rules for 1-D operands and
// broadcast batch dims. Each matrix goes to the backend's gemm as a strided view, without a
// copy when one of its two strides is 1.
#pragma once

#include <algorithm>
#include <utility>

#include "kaon/autograd/function.hpp"
#include "kaon/backend/backend.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/view.hpp"

namespace kaon {
namespace detail {

/// A [rows, cols] view as a gemm operand, without a copy when its layout allows one.
template <class T, class D>
MatrixRef<const T> as_matrix(const Tensor<T, D>& m, Tensor<T, D>& keep) {
  const std::int64_t r = m.size(0), c = m.size(1), s0 = m.stride(0), s1 = m.stride(1);
  // A BLAS operand needs unit steps along one dim and a leading dimension at least as long as
  // that dim; broadcast (stride 0) and other strided views are copied.
  if ((c == 1 || s1 == 1) && (r == 1 || s0 >= std::max<std::int64_t>(c, 1)))
    return {m.data_ptr(), r, c, r == 1 ? std::max<std::int64_t>(c, 1) : s0, true};
  if ((r == 1 || s0 == 1) && (c == 1 || s1 >= std::max<std::int64_t>(r, 1)))
    return {m.data_ptr(), r, c, c == 1 ? std::max<std::int64_t>(r, 1) : s1, false};
  keep = m.contiguous();
  return {keep.data_ptr(), r, c, std::max<std::int64_t>(c, 1), true};
}

/// c = a @ b, or c += a @ b when `accumulate`; c is dense.
template <class T, class D>
void gemm_into(const Tensor<T, D>& a, const Tensor<T, D>& b, Tensor<T, D>& c,
               bool accumulate = false) {
  Tensor<T, D> ka, kb;
  const auto A = as_matrix(a, ka);
  const auto B = as_matrix(b, kb);
  backend<D>::gemm(
      A, B,
      MatrixRef<T>{c.data_ptr(), c.size(0), c.size(1), std::max<std::int64_t>(c.size(1), 1), true},
      accumulate);
}

/// Matrix i of a batch [B, r, c] as a [r, c] view.
template <class T, class D>
Tensor<T, D> matrix_of(const Tensor<T, D>& x, std::int64_t i) {
  return make_view(x, x.storage_offset() + i * x.stride(0), {x.size(1), x.size(2)},
                   {x.stride(1), x.stride(2)});
}

/// A batch [B, r, c] as one gemm operand and the step between its matrices, without a copy when
/// every matrix has a BLAS layout.
template <class T, class D>
std::pair<MatrixRef<const T>, std::int64_t> as_batch(const Tensor<T, D>& x, Tensor<T, D>& keep) {
  Tensor<T, D> copied;
  const auto m = as_matrix(matrix_of(x, 0), copied);
  if (!copied.defined()) return {m, x.stride(0)};
  keep = x.contiguous();
  return {as_matrix(matrix_of(keep, 0), copied), keep.stride(0)};
}

/// c[n] = a[n] @ b[n] for every n of the batch, c dense: one batched gemm.
template <class T, class D>
void bmm_into(const Tensor<T, D>& a, const Tensor<T, D>& b, Tensor<T, D>& c) {
  if (c.numel() == 0) return;
  Tensor<T, D> ka, kb;
  const auto [A, sa] = as_batch(a, ka);
  const auto [B, sb] = as_batch(b, kb);
  const MatrixRef<T> C{c.data_ptr(), c.size(1), c.size(2), std::max<std::int64_t>(c.size(2), 1),
                       true};
  backend<D>::gemm_batched(A, B, C, c.size(0), sa, sb, c.size(1) * c.size(2));
}

}  // namespace detail

namespace ops {
// d/da (a @ b) = g @ b^T, d/db (a @ b) = a^T @ g
struct MM : autograd::Function<MM> {
  static constexpr const char* name = "MmBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    ctx.save_for_backward(a, b);
    Tensor<T, D> c({a.size(0), b.size(1)});
    detail::gemm_into(a, b, c);
    return c;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    return {ctx.needs_input_grad(0) ? MM::apply(g[0], b.t()) : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? MM::apply(a.t(), g[0]) : Tensor<T, D>()};
  }
};
// The same for a batch of matrices [B, n, k] @ [B, k, m]
struct BMM : autograd::Function<BMM> {
  static constexpr const char* name = "BmmBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    ctx.save_for_backward(a, b);
    Tensor<T, D> c({a.size(0), a.size(1), b.size(2)});
    detail::bmm_into(a, b, c);
    return c;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    return {ctx.needs_input_grad(0) ? BMM::apply(g[0], b.transpose(1, 2)) : Tensor<T, D>(),
            ctx.needs_input_grad(1) ? BMM::apply(a.transpose(1, 2), g[0]) : Tensor<T, D>()};
  }
};
}  // namespace ops

/// The product of two matrices [n, k] @ [k, m] -> [n, m].
template <class T, class D>
Tensor<T, D> mm(const Tensor<T, D>& a, const Tensor<T, D>& b) {
  static_assert(!std::is_same_v<T, bool>, "mm: bool matrices are not supported");
  KAON_CHECK(a.dim() == 2 && b.dim() == 2, ShapeError, "mm: expects two matrices, got ", a.shape(),
             " @ ", b.shape());
  KAON_CHECK(a.size(1) == b.size(0), ShapeError, "mm: inner dimensions differ: ", a.shape(), " @ ",
             b.shape());
  return ops::MM::apply(a, b);
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
  Tensor<T, D> out;
  if (A.dim() == 2 && B.dim() == 2) {
    out = ops::MM::apply(A, B);
  } else {
    Shape batch_a, batch_b;
    for (int i = 0; i < A.dim() - 2; ++i) batch_a.push_back(A.size(i));
    for (int i = 0; i < B.dim() - 2; ++i) batch_b.push_back(B.size(i));
    const Shape batch = detail::broadcast_shapes(batch_a, batch_b, "matmul");
    Shape ea = batch, eb = batch, out_shape = batch;
    ea.push_back(n), ea.push_back(k);
    eb.push_back(k), eb.push_back(m);
    out_shape.push_back(n), out_shape.push_back(m);
    const std::int64_t count = batch.numel();
    out = ops::BMM::apply(A.expand(ea).reshape({count, n, k}), B.expand(eb).reshape({count, k, m}))
              .reshape(out_shape);
  }
  if (b.dim() == 1) out = out.squeeze(-1);
  if (a.dim() == 1) out = out.squeeze(b.dim() == 1 ? 0 : -2);
  return out;
}

template <Element T, class D>
Tensor<T, D> Tensor<T, D>::mm(const Tensor& other) const {
  return kaon::mm(*this, other);
}
template <Element T, class D>
Tensor<T, D> Tensor<T, D>::matmul(const Tensor& other) const {
  return kaon::matmul(*this, other);
}

}  // namespace kaon
