// SPDX-License-Identifier: MIT
// addmm(input, mat1, mat2): input + mat1 @ mat2 in one op, the product accumulated onto the
// broadcast input as BLAS's beta = 1 does (nn::Linear's forward on a batch, as torch's).
#pragma once

#include "kaon/ops/binary.hpp"
#include "kaon/ops/functors.hpp"
#include "kaon/ops/matmul.hpp"

namespace kaon {
namespace ops {
// d/dinput = 1 (summed to its shape), d/dmat1 = g @ mat2^T, d/dmat2 = mat1^T @ g
struct Addmm : autograd::Function<Addmm> {
  static constexpr const char* name = "AddmmBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& input,
                              const Tensor<T, D>& mat1, const Tensor<T, D>& mat2) {
    ctx.save_for_backward(mat1, mat2);
    Tensor<T, D> c({mat1.size(0), mat2.size(1)});
    detail::apply_into("addmm", c, fn::Identity<T>{}, input);
    detail::gemm_into(mat1, mat2, c, true);
    return c;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto mat1 = ctx.template saved<T>(0), mat2 = ctx.template saved<T>(1);
    return {detail::grad_to(ctx, 0, g[0]),
            ctx.needs_input_grad(1) ? MM::apply(g[0], mat2.t()) : Tensor<T, D>(),
            ctx.needs_input_grad(2) ? MM::apply(mat1.t(), g[0]) : Tensor<T, D>()};
  }
};
}  // namespace ops

/// torch.addmm: beta * input + alpha * (mat1 @ mat2), input broadcast to [n, m]. With the
/// default beta = alpha = 1 the product is accumulated onto the input in one pass.
template <class T, class D>
Tensor<T, D> addmm(const Tensor<T, D>& input, const Tensor<T, D>& mat1, const Tensor<T, D>& mat2,
                   double beta = 1, double alpha = 1) {
  static_assert(!std::is_same_v<T, bool>, "addmm: bool matrices are not supported");
  KAON_CHECK(mat1.dim() == 2 && mat2.dim() == 2, ShapeError, "addmm: expects two matrices, got ",
             mat1.shape(), " @ ", mat2.shape());
  KAON_CHECK(mat1.size(1) == mat2.size(0), ShapeError,
             "addmm: inner dimensions differ: ", mat1.shape(), " @ ", mat2.shape());
  detail::check_broadcasts_to("addmm", input.shape(), Shape{mat1.size(0), mat2.size(1)});
  if (beta != 1 || alpha != 1) return beta * input + alpha * mm(mat1, mat2);
  return ops::Addmm::apply(input, mat1, mat2);
}

}  // namespace kaon
