// SPDX-License-Identifier: MIT
// addmm(input, mat1, mat2): input + mat1 @ mat2 in one op, the product accumulated onto the
// broadcast input as BLAS's beta = 1 does (nn::Linear's forward on a batch, as torch's).
#pragma once

#include "kaon/ops/binary.hpp"
#include "kaon/ops/functors.hpp"
#include "kaon/ops/matmul.hpp"
#include "kaon/ops/unary.hpp"

namespace kaon {
namespace detail {
/// Throws unless mat1 @ mat2 is a matrix product and input broadcasts to its shape.
template <class T, class D>
void check_addmm(const char* op, const Tensor<T, D>& input, const Tensor<T, D>& mat1,
                 const Tensor<T, D>& mat2) {
  KAON_CHECK(mat1.dim() == 2 && mat2.dim() == 2, ShapeError, op, ": expects two matrices, got ",
             mat1.shape(), " @ ", mat2.shape());
  KAON_CHECK(mat1.size(1) == mat2.size(0), ShapeError, op,
             ": inner dimensions differ: ", mat1.shape(), " @ ", mat2.shape());
  check_broadcasts_to(op, input.shape(), Shape{mat1.size(0), mat2.size(1)});
}

/// after(input + mat1 @ mat2) per element. An inner dimension of 1 (a 1-input layer) is an
/// outer product: one broadcast pass c[i, j] = after(mat1[i, 0] mat2[0, j] + input[i, j]);
/// otherwise the input is broadcast into c and the product accumulated onto it (beta = 1).
template <class After, class T, class D>
Tensor<T, D> addmm_then(const char* op, const Tensor<T, D>& input, const Tensor<T, D>& mat1,
                        const Tensor<T, D>& mat2) {
  if (mat1.size(1) == 1) return map<T, D>(op, fn::Then<fn::MulAdd<T>, After>{}, mat1, mat2, input);
  Tensor<T, D> c({mat1.size(0), mat2.size(1)});
  apply_into(op, c, fn::Identity<T>{}, input);
  gemm_into(mat1, mat2, c, true);
  if constexpr (!std::is_same_v<After, fn::Identity<T>>) apply_into(op, c, After{}, c);
  return c;
}

/// Addmm's input gradients from dz, the gradient of input + mat1 @ mat2 (saved as 0 and 1).
template <class T, class D>
grads_t<T, D> addmm_grads(const autograd::ContextBase<D>& ctx, const Tensor<T, D>& dz) {
  const auto mat1 = ctx.template saved<T>(0), mat2 = ctx.template saved<T>(1);
  return {grad_to(ctx, 0, dz),
          ctx.needs_input_grad(1) ? ops::MM::apply(dz, mat2.t()) : Tensor<T, D>(),
          ctx.needs_input_grad(2) ? ops::MM::apply(mat1.t(), dz) : Tensor<T, D>()};
}
}  // namespace detail

namespace ops {
// d/dinput = 1 (summed to its shape), d/dmat1 = g @ mat2^T, d/dmat2 = mat1^T @ g
struct Addmm : autograd::Function<Addmm> {
  static constexpr const char* name = "AddmmBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& input,
                              const Tensor<T, D>& mat1, const Tensor<T, D>& mat2) {
    ctx.save_for_backward(mat1, mat2);
    return detail::addmm_then<fn::Identity<T>>("addmm", input, mat1, mat2);
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    return detail::addmm_grads(ctx, g[0]);
  }
};

}  // namespace ops

/// torch.addmm: beta * input + alpha * (mat1 @ mat2), input broadcast to [n, m]. With the
/// default beta = alpha = 1 the product is accumulated onto the input in one pass.
template <class T, class D>
Tensor<T, D> addmm(const Tensor<T, D>& input, const Tensor<T, D>& mat1, const Tensor<T, D>& mat2,
                   double beta = 1, double alpha = 1) {
  static_assert(!std::is_same_v<T, bool>, "addmm: bool matrices are not supported");
  detail::check_addmm("addmm", input, mat1, mat2);
  if (beta != 1 || alpha != 1) return beta * input + alpha * mm(mat1, mat2);
  return ops::Addmm::apply(input, mat1, mat2);
}

}  // namespace kaon
