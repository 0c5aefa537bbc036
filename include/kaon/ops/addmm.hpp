// SPDX-License-Identifier: MIT
// addmm(input, mat1, mat2): input + mat1 @ mat2 in one op, the product accumulated onto the
// broadcast input as BLAS's beta = 1 does (nn::Linear's forward on a batch, as torch's).
#pragma once

#include <concepts>
#include <optional>

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
grads_t<T, D> addmm_grads(const autograd::Context<D>& ctx, const Tensor<T, D>& dz) {
  const auto mat1 = ctx.template saved<T>(0), mat2 = ctx.template saved<T>(1);
  return {grad_to(ctx, 0, dz),
          ctx.needs_input_grad(1) ? ops::MM::apply(dz, mat2.t()) : Tensor<T, D>(),
          ctx.needs_input_grad(2) ? ops::MM::apply(mat1.t(), dz) : Tensor<T, D>()};
}
/// Whether backend<D> offers the fused ReLU-after-Linear backward.
template <class D, class T>
concept HasLinearReluBackward = requires(std::int64_t n, const T* p, T* q,
                                         const MatrixRef<const T>& x) {
  { backend<D>::takes_linear_relu_backward(n, n, n) } -> std::same_as<bool>;
  backend<D>::linear_relu_backward(n, n, p, p, x, q, q);
};

/// AddmmRelu's gradients in one pass, where backend<D> offers the kernel and it applies: not
/// recording (no create_graph), no gradient for mat1, dense g and y, the input a row
/// broadcast down the rows (a bias), and a shape the backend takes. Nothing otherwise.
template <class T, class D>
std::optional<grads_t<T, D>> fused_addmm_relu_grads(const autograd::Context<D>& ctx,
                                                    const Tensor<T, D>& g, const Tensor<T, D>& y) {
  if constexpr (!HasLinearReluBackward<D, T>) {
    return std::nullopt;
  } else {
    const auto mat1 = ctx.template saved<T>(0);
    const std::int64_t n = y.size(0), m = y.size(1);
    const Shape& bias = ctx.input_shape(0);
    const bool row_bias = bias == Shape{m} || bias == Shape{1, m};
    if (autograd::GradMode::is_enabled() || ctx.needs_input_grad(1) || !g.is_contiguous() ||
        !y.is_contiguous() || g.shape() != y.shape() || (ctx.needs_input_grad(0) && !row_bias) ||
        !backend<D>::takes_linear_relu_backward(n, m, mat1.size(1)))
      return std::nullopt;
    Tensor<T, D> keep, db, dw;
    if (ctx.needs_input_grad(0)) db = Tensor<T, D>(bias);
    if (ctx.needs_input_grad(2)) dw = Tensor<T, D>({mat1.size(1), m});
    backend<D>::linear_relu_backward(n, m, read_ptr(g), read_ptr(y), as_matrix(mat1, keep),
                                     db.defined() ? write_ptr(db) : nullptr,
                                     dw.defined() ? write_ptr(dw) : nullptr);
    return grads_t<T, D>{db, Tensor<T, D>(), dw};
  }
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

// relu(input + mat1 @ mat2) as one node, as torch's _addmm_activation: nn::Sequential runs a
// Linear followed by a ReLU through it, so the product and the relu make one pass over the
// result. It keeps relu's name, the grad_fn PyTorch shows for that Sequential's output.
// d/dz relu(z) = 1[y > 0] from the result y, then Addmm's gradients with dz = g 1[y > 0]
struct AddmmRelu : autograd::Function<AddmmRelu> {
  static constexpr const char* name = "ReluBackward0";
  template <class T, class D>
  static Tensor<T, D> forward(autograd::Context<D>& ctx, const Tensor<T, D>& input,
                              const Tensor<T, D>& mat1, const Tensor<T, D>& mat2) {
    auto y = detail::addmm_then<fn::Relu<T>>("addmm_relu", input, mat1, mat2);
    ctx.save_for_backward(mat1, mat2, y);
    return y;
  }
  template <class T, class D>
  static detail::grads_t<T, D> backward(autograd::Context<D>& ctx, const detail::grads_t<T, D>& g) {
    const auto y = ctx.template saved<T>(2);
    if (auto fused = detail::fused_addmm_relu_grads(ctx, g[0], y)) return *std::move(fused);
    return detail::addmm_grads(ctx, ReluGrad::apply(g[0], y));
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

namespace detail {
/// relu(addmm(input, mat1, mat2)) in one op (nn::Sequential's Linear then ReLU).
template <class T, class D>
Tensor<T, D> addmm_relu(const Tensor<T, D>& input, const Tensor<T, D>& mat1,
                        const Tensor<T, D>& mat2) {
  static_assert(std::is_floating_point_v<T>, "addmm_relu: expects floating-point matrices");
  check_addmm("addmm_relu", input, mat1, mat2);
  return ops::AddmmRelu::apply(input, mat1, mat2);
}
}  // namespace detail

}  // namespace kaon
