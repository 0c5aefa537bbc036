// SPDX-License-Identifier: MIT
// linalg::solve, inv and det of square matrices or batches of them ([..., n, n]), as
// torch.linalg's: an LU factorisation with partial pivoting, in double precision on the host
// (linalg/lu.hpp). Each has its gradient, written with these functions again, so second
// derivatives work too.
//
//   auto x = kaon::linalg::solve(a, b);   // torch.linalg.solve(a, b): a x = b
#pragma once

#include <cstdint>
#include <vector>

#include "kaon/autograd/function.hpp"
#include "kaon/linalg/lstsq.hpp"
#include "kaon/linalg/lu.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/matmul.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::linalg {
namespace detail {
/// The size n of a's square matrices and how many there are; a must be [..., n, n].
template <class T, class D>
std::pair<std::int64_t, std::int64_t> square_batches(const char* op, const Tensor<T, D>& a) {
  static_assert(std::is_floating_point_v<T>, "linalg: needs float or double tensors");
  KAON_CHECK(a.dim() >= 2 && a.size(-1) == a.size(-2), ShapeError, op,
             ": expected square matrices [..., n, n], got ", a.shape());
  const std::int64_t n = a.size(-1);
  return {n, n == 0 ? 0 : a.numel() / (n * n)};
}

/// The batch index as text for an error message ("" for a single matrix).
inline std::string batch_text(std::int64_t batch, std::int64_t i) {
  return batch > 1 ? " (batch " + std::to_string(i) + ")" : "";
}

/// x with a x = b, for b [..., n, k] or [..., n] with a's batch dims.
template <class T, class D>
Tensor<T, D> solve_host(const Tensor<T, D>& a, const Tensor<T, D>& b) {
  const auto [n, batch] = square_batches("linalg.solve", a);
  const bool vector = b.dim() == a.dim() - 1;
  Shape want(a.shape());
  if (vector)
    want.erase(want.size() - 1);
  else
    want[want.size() - 1] = b.dim() >= 1 ? b.size(-1) : 0;
  KAON_CHECK(b.shape() == want, ShapeError, "linalg.solve: A of shape ", a.shape(),
             " cannot solve B of shape ", b.shape(), " (expected [",
             vector ? "..., n" : "..., n, k", "] with A's batch dims)");
  const std::int64_t k = vector ? 1 : b.size(-1);
  const auto a_host = host_doubles(a);
  std::vector<double> x = host_doubles(b).to_vector();
  for (std::int64_t i = 0; i < batch; ++i) {
    LU lu(a_host.data_ptr() + i * n * n, n);
    KAON_CHECK(!lu.singular, ValueError, "linalg.solve: the matrix", batch_text(batch, i),
               " is singular, so the system has no unique solution");
    lu.solve(x.data() + i * n * k, k);
  }
  return from_vector<double>(x, b.shape()).template to<T>().template to<D>();
}

/// det of each matrix of a: [...].
template <class T, class D>
Tensor<T, D> det_host(const Tensor<T, D>& a) {
  const auto [n, batch] = square_batches("linalg.det", a);
  const auto a_host = host_doubles(a);
  std::vector<double> d(static_cast<std::size_t>(batch));
  for (std::int64_t i = 0; i < batch; ++i)
    d[static_cast<std::size_t>(i)] = LU(a_host.data_ptr() + i * n * n, n).det();
  Shape out(a.shape());
  out.erase(out.size() - 1);
  out.erase(out.size() - 1);
  return from_vector<double>(d, out).template to<T>().template to<D>();
}

template <class T, class D>
Tensor<T, D> matrix_transpose(const Tensor<T, D>& a) {
  return a.transpose(-2, -1);
}
}  // namespace detail

namespace ops {
// x = A^-1 B: dB = A^-T g, dA = -dB x^T
struct Solve : autograd::Function<Solve> {
  static constexpr const char* name = "LinalgSolveExBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a,
                              const Tensor<T, D>& b) {
    ctx.save_for_backward(a, b);
    return detail::solve_host(a, b);
  }
  template <class T, class D>
  static kaon::detail::grads_t<T, D> backward(autograd::Context<D>& ctx,
                                              const kaon::detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0), b = ctx.template saved<T>(1);
    const auto gb = Solve::apply(detail::matrix_transpose(a), g[0]);
    Tensor<T, D> ga;
    if (ctx.needs_input_grad(0)) {
      const auto x = Solve::apply(a, b);  // again, so that create_graph records it
      ga = b.dim() == a.dim() - 1 ? -(gb.unsqueeze(-1) * x.unsqueeze(-2))
                                  : -matmul(gb, detail::matrix_transpose(x));
    }
    return {ga, ctx.needs_input_grad(1) ? gb : Tensor<T, D>()};
  }
};
// d/dA det(A) = det(A) A^-T
struct Det : autograd::Function<Det> {
  static constexpr const char* name = "LinalgDetBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a) {
    ctx.save_for_backward(a);
    return detail::det_host(a);
  }
  template <class T, class D>
  static kaon::detail::grads_t<T, D> backward(autograd::Context<D>& ctx,
                                              const kaon::detail::grads_t<T, D>& g) {
    const auto a = ctx.template saved<T>(0);
    const auto d = Det::apply(a);
    KAON_CHECK(!(d == 0).any().item(), ValueError,
               "linalg.det: the gradient at a singular matrix (det 0) is not supported");
    const auto eye = kaon::eye<T, D>(a.size(-1)).expand(a.shape()).contiguous();
    const auto inv_t = detail::matrix_transpose(Solve::apply(a, eye));
    return {(g[0] * d).unsqueeze(-1).unsqueeze(-1) * inv_t};
  }
};
}  // namespace ops

/// x with a x = b (torch.linalg.solve): a [..., n, n], b [..., n, k] or [..., n]; a
/// kaon::ValueError names the batch when a matrix is singular.
template <class T, class D>
Tensor<T, D> solve(const Tensor<T, D>& a, const Tensor<T, D>& b) {
  return ops::Solve::apply(a, b);
}
/// The inverse of each matrix of a (torch.linalg.inv).
template <class T, class D>
Tensor<T, D> inv(const Tensor<T, D>& a) {
  const auto n = detail::square_batches("linalg.inv", a).first;
  return solve(a, eye<T, D>(n).expand(a.shape()).contiguous());
}
/// The determinant of each matrix of a: [...] (torch.linalg.det).
template <class T, class D>
Tensor<T, D> det(const Tensor<T, D>& a) {
  return ops::Det::apply(a);
}

}  // namespace kaon::linalg
