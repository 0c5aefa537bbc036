// SPDX-License-Identifier: MIT
// linalg::cholesky: the lower-triangular L with A = L L^T of symmetric positive-definite
// matrices [..., n, n] (only the lower triangle of A is read), as torch.linalg.cholesky, in
// double precision on the host (linalg/lu.hpp), with PyTorch's gradient.
#pragma once

#include <cstdint>
#include <vector>

#include "kaon/linalg/solve.hpp"
#include "kaon/ops/diagonal.hpp"

namespace kaon::linalg {
namespace detail {
template <class T, class D>
Tensor<T, D> cholesky_host(const Tensor<T, D>& a) {
  const auto [n, batch] = square_batches("linalg.cholesky", a);
  std::vector<double> l = host_doubles(a).to_vector();
  for (std::int64_t i = 0; i < batch; ++i) {
    const std::int64_t minor = cholesky_in_place(l.data() + i * n * n, n);
    KAON_CHECK(minor == 0, ValueError, "linalg.cholesky: the matrix", batch_text(batch, i),
               " is not positive-definite (its leading minor of order ", minor, " is not)");
  }
  return from_vector<double>(l, a.shape()).template to<T>().template to<D>();
}
}  // namespace detail

namespace ops {
// With P = tril(L^T gL) and its strict lower part mirrored, halved: dA = L^-T P L^-1
struct Cholesky : autograd::Function<Cholesky> {
  static constexpr const char* name = "LinalgCholeskyExBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& a) {
    ctx.save_for_backward(a);
    return detail::cholesky_host(a);
  }
  template <class T, class D>
  static kaon::detail::grads_t<T, D> backward(autograd::Context<D>& ctx,
                                              const kaon::detail::grads_t<T, D>& g) {
    const auto l = Cholesky::apply(ctx.template saved<T>(0));  // again, for create_graph
    const auto lt = detail::matrix_transpose(l);
    auto p = tril(matmul(lt, g[0]));
    p = (p + detail::matrix_transpose(tril(p, -1))) * static_cast<T>(0.5);
    const auto left = Solve::apply(lt, p);  // L^-T P
    return {detail::matrix_transpose(Solve::apply(lt, detail::matrix_transpose(left)))};
  }
};
}  // namespace ops

/// L with a = L L^T, lower triangular (torch.linalg.cholesky).
template <class T, class D>
Tensor<T, D> cholesky(const Tensor<T, D>& a) {
  return ops::Cholesky::apply(a);
}

}  // namespace kaon::linalg
