// SPDX-License-Identifier: MIT
// kaon's precompiled mode. A program that links the kaon::precompiled CMake target (which
// defines KAON_PRECOMPILED) takes kaon's ops on float and double CPU tensors from a library
// compiled once, libkaon_precompiled, instead of compiling them again in every source file, as
// spdlog's compiled mode does. Without that target, kaon stays header-only and this header
// declares nothing.
//
// The list below is the one place that names what the library holds: each op's
// Function<Op>::apply for the argument types kaon's own functions pass. With KAON_PRECOMPILED
// the headers see them as `extern template` declarations; src/precompiled_*.cpp instantiates
// them. An op or argument type missing from the list still works: it is compiled in the
// program, as in header-only mode.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "kaon/autograd/engine.hpp"
#include "kaon/autograd/function.hpp"
#include "kaon/nn/activation.hpp"
#include "kaon/nn/dropout.hpp"
#include "kaon/nn/linear.hpp"
#include "kaon/nn/loss.hpp"
#include "kaon/nn/mlp.hpp"
#include "kaon/nn/sequential.hpp"
#include "kaon/ops/addmm.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/gather.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/matmul.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"
#include "kaon/ops/view.hpp"
#include "kaon/ops/where.hpp"
#include "kaon/optim/adagrad.hpp"
#include "kaon/optim/adam.hpp"
#include "kaon/optim/rmsprop.hpp"
#include "kaon/optim/rprop.hpp"
#include "kaon/optim/sgd.hpp"

/// X(Op, (parameters)) for every op kaon's functions apply to float/double tensors of type T.
// clang-format off
#define KAON_PRECOMPILED_OPS(X, T)                                                              \
  X(ops::Add, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                  \
  X(ops::Sub, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                  \
  X(ops::Mul, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                  \
  X(ops::Div, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                  \
  X(ops::Pow, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                  \
  X(ops::MaxMinimum<true>, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                     \
  X(ops::MaxMinimum<false>, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                    \
  X(ops::AddScalar, (const Tensor<T, cpu>&, const T&))                                         \
  X(ops::SubScalar, (const Tensor<T, cpu>&, const T&))                                         \
  X(ops::RSubScalar, (const Tensor<T, cpu>&, const T&))                                        \
  X(ops::MulScalar, (const Tensor<T, cpu>&, const T&))                                         \
  X(ops::DivScalar, (const Tensor<T, cpu>&, const T&))                                         \
  X(ops::RDivScalar, (const Tensor<T, cpu>&, const T&))                                        \
  X(ops::PowScalar, (const Tensor<T, cpu>&, const T&))                                         \
  X(ops::RPowScalar, (const Tensor<T, cpu>&, const T&))                                        \
  X(ops::Neg, (const Tensor<T, cpu>&))                                                         \
  X(ops::Exp, (const Tensor<T, cpu>&))                                                         \
  X(ops::Log, (const Tensor<T, cpu>&))                                                         \
  X(ops::Sqrt, (const Tensor<T, cpu>&))                                                        \
  X(ops::Sin, (const Tensor<T, cpu>&))                                                         \
  X(ops::Cos, (const Tensor<T, cpu>&))                                                         \
  X(ops::Tan, (const Tensor<T, cpu>&))                                                         \
  X(ops::Tanh, (const Tensor<T, cpu>&))                                                        \
  X(ops::Sigmoid, (const Tensor<T, cpu>&))                                                     \
  X(ops::Relu, (const Tensor<T, cpu>&))                                                        \
  X(ops::Round, (const Tensor<T, cpu>&))                                                       \
  X(ops::Abs, (const Tensor<T, cpu>&))                                                         \
  X(ops::ReluGrad, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                             \
  X(ops::Clamp, (const Tensor<T, cpu>&, const double&, const bool&, const double&, const bool&)) \
  X(ops::Clone, (const Tensor<T, cpu>&))                                                       \
  X(ops::Where, (const Tensor<bool, cpu>&, const Tensor<T, cpu>&, const Tensor<T, cpu>&))      \
  X(ops::Addmm, (const Tensor<T, cpu>&, const Tensor<T, cpu>&, const Tensor<T, cpu>&))         \
  X(ops::MM, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                   \
  X(ops::BMM, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))                                  \
  X(ops::Sum, (const Tensor<T, cpu>&, const std::optional<std::int64_t>&, const bool&))        \
  X(ops::Prod, (const Tensor<T, cpu>&, const std::optional<std::int64_t>&, const bool&))       \
  X(ops::MinMaxAll<true>, (const Tensor<T, cpu>&))                                             \
  X(ops::MinMaxAll<false>, (const Tensor<T, cpu>&))                                            \
  X(ops::Gather, (const Tensor<T, cpu>&, const std::int64_t&, const Tensor<std::int64_t, cpu>&)) \
  X(ops::ScatterAdd,                                                                           \
    (const Tensor<T, cpu>&, const Shape&, const std::int64_t&, const Tensor<std::int64_t, cpu>&)) \
  X(ops::IndexSelect,                                                                          \
    (const Tensor<T, cpu>&, const std::int64_t&, const Tensor<std::int64_t, cpu>&))           \
  X(ops::IndexAdd,                                                                             \
    (const Tensor<T, cpu>&, const Shape&, const std::int64_t&, const Tensor<std::int64_t, cpu>&)) \
  X(ops::MaskedSelect, (const Tensor<T, cpu>&, const Tensor<bool, cpu>&))                      \
  X(ops::MaskedScatter, (const Tensor<T, cpu>&, const Tensor<bool, cpu>&))                     \
  X(ops::Embed, (const Tensor<T, cpu>&, const Shape&, const std::int64_t&,                     \
                 const std::int64_t&, const std::int64_t&))                                    \
  KAON_PRECOMPILED_VIEW(X, T, kReshape)                                                        \
  KAON_PRECOMPILED_VIEW(X, T, kSqueeze)                                                        \
  KAON_PRECOMPILED_VIEW(X, T, kUnsqueeze)                                                      \
  KAON_PRECOMPILED_VIEW(X, T, kTranspose)                                                      \
  KAON_PRECOMPILED_VIEW(X, T, kPermute)                                                        \
  KAON_PRECOMPILED_VIEW(X, T, kExpand)                                                         \
  KAON_PRECOMPILED_VIEW(X, T, kSlice)                                                          \
  KAON_PRECOMPILED_VIEW(X, T, kSelect)                                                         \
  X(nn::ops::MseLoss<nn::Reduction::Mean>, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))      \
  X(nn::ops::MseLoss<nn::Reduction::Sum>, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))       \
  X(nn::ops::MseLoss<nn::Reduction::None>, (const Tensor<T, cpu>&, const Tensor<T, cpu>&))      \
  X(nn::ops::BinaryCrossEntropy,                                                               \
    (const Tensor<T, cpu>&, const Tensor<T, cpu>&, const Tensor<T, cpu>&))                     \
  X(nn::ops::BinaryCrossEntropyWithLogits,                                                     \
    (const Tensor<T, cpu>&, const Tensor<T, cpu>&, const Tensor<T, cpu>&, const Tensor<T, cpu>&)) \
  X(ops::LinearReluLinear, (const Tensor<T, cpu>&, const Tensor<T, cpu>&, const Tensor<T, cpu>&, \
                            const Tensor<T, cpu>&, const Tensor<T, cpu>&))
#define KAON_PRECOMPILED_VIEW(X, T, kind)                                                      \
  X(ops::View<kaon::detail::ViewKind::kind>, (const Tensor<T, cpu>&, const std::int64_t&,            \
                                        const Shape&, const Shape&, const kaon::detail::ViewArgs&))
// clang-format on

/// X(declaration...) for the engine and the matrix products, which kaon's functions call outside
/// any op's apply, on tensors of type T.
// clang-format off
#define KAON_PRECOMPILED_FUNCTIONS(X, T)                                                        \
  X(void autograd::backward(const std::vector<Tensor<T, cpu>>&,                                \
                            const std::vector<Tensor<T, cpu>>&, bool, bool))                   \
  X(std::vector<Tensor<T, cpu>> autograd::grad(                                                \
      const std::vector<Tensor<T, cpu>>&, const std::vector<Tensor<T, cpu>>&,                  \
      const std::vector<Tensor<T, cpu>>&, std::optional<bool>, bool, bool))                    \
  X(Tensor<T, cpu> mm(const Tensor<T, cpu>&, const Tensor<T, cpu>&))                           \
  X(Tensor<T, cpu> matmul(const Tensor<T, cpu>&, const Tensor<T, cpu>&))
// clang-format on

/// X(class) for the tensor, the modules and the optimisers on tensors of type T. Their members
/// defined in the class body may still be compiled in a program, for inlining; the others and
/// the virtual functions come from the library.
// clang-format off
#define KAON_PRECOMPILED_CLASSES(X, T)                                                          \
  X(Tensor<T, cpu>)                                                                            \
  X(nn::Module<T, cpu>)                                                                        \
  X(nn::Linear<T, cpu>)                                                                        \
  X(nn::Sequential<T, cpu>)                                                                    \
  X(nn::MLP<T, cpu>)                                                                           \
  X(nn::ReLU<T, cpu>)                                                                          \
  X(nn::Sigmoid<T, cpu>)                                                                       \
  X(nn::Tanh<T, cpu>)                                                                          \
  X(nn::Dropout<T, cpu>)                                                                       \
  X(nn::detail::Elementwise<T, cpu, nn::detail::ReluFn>)                                      \
  X(nn::detail::Elementwise<T, cpu, nn::detail::SigmoidFn>)                                   \
  X(nn::detail::Elementwise<T, cpu, nn::detail::TanhFn>)                                      \
  X(optim::detail::OptimizerImpl<T, cpu, optim::SGDOptions, optim::SGDParamState<T, cpu>>)     \
  X(optim::detail::OptimizerImpl<T, cpu, optim::AdamOptions, optim::AdamParamState<T, cpu>>)   \
  X(optim::detail::OptimizerImpl<T, cpu, optim::AdamWOptions, optim::AdamParamState<T, cpu>>)  \
  X(optim::detail::OptimizerImpl<T, cpu, optim::AdagradOptions,                               \
                                 optim::AdagradParamState<T, cpu>>)                            \
  X(optim::detail::OptimizerImpl<T, cpu, optim::RMSpropOptions,                               \
                                 optim::RMSpropParamState<T, cpu>>)                            \
  X(optim::detail::OptimizerImpl<T, cpu, optim::RpropOptions, optim::RpropParamState<T, cpu>>) \
  X(optim::detail::AdamBase<T, cpu, optim::AdamOptions>)                                       \
  X(optim::detail::AdamBase<T, cpu, optim::AdamWOptions>)                                      \
  X(optim::SGD<T, cpu>)                                                                        \
  X(optim::Adam<T, cpu>)                                                                       \
  X(optim::AdamW<T, cpu>)                                                                      \
  X(optim::Adagrad<T, cpu>)                                                                    \
  X(optim::RMSprop<T, cpu>)                                                                    \
  X(optim::Rprop<T, cpu>)
// clang-format on

/// The instantiation of Op's apply for T, declared (`extern`) or defined (empty).
#define KAON_PRECOMPILED_APPLY(extern_, T, Op, params) \
  extern_ template Tensor<T, cpu> autograd::Function<Op>::apply params;

#if defined(KAON_PRECOMPILED)
namespace kaon {
#define KAON_EXTERN_FLOAT(Op, params) KAON_PRECOMPILED_APPLY(extern, float, Op, params)
#define KAON_EXTERN_DOUBLE(Op, params) KAON_PRECOMPILED_APPLY(extern, double, Op, params)
#define KAON_EXTERN(...) extern template __VA_ARGS__;
KAON_PRECOMPILED_OPS(KAON_EXTERN_FLOAT, float)
KAON_PRECOMPILED_OPS(KAON_EXTERN_DOUBLE, double)
KAON_PRECOMPILED_FUNCTIONS(KAON_EXTERN, float)
KAON_PRECOMPILED_FUNCTIONS(KAON_EXTERN, double)
#define KAON_EXTERN_CLASS(...) extern template class __VA_ARGS__;
KAON_PRECOMPILED_CLASSES(KAON_EXTERN_CLASS, float)
KAON_PRECOMPILED_CLASSES(KAON_EXTERN_CLASS, double)
#undef KAON_EXTERN_CLASS
extern template std::vector<autograd::Grad<cpu>> autograd::detail::run_backward(
    std::vector<autograd::detail::Root<cpu>>, bool, bool,
    const std::vector<std::shared_ptr<autograd::Node<cpu>>>&);
#undef KAON_EXTERN_FLOAT
#undef KAON_EXTERN_DOUBLE
#undef KAON_EXTERN
}  // namespace kaon
#endif
