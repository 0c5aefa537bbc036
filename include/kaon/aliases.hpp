// SPDX-License-Identifier: MIT
// Names without template arguments, as LibTorch's: kaon::f32 holds the float CPU instantiations
// of kaon's class templates and kaon::f64 the double ones, in the manner of std::string for
// std::basic_string<char>. Use them where C++ wants a type and cannot deduce one: a member, a
// return type, a std::unique_ptr.
//
//   struct Net : kaon::f32::nn::Module {
//     kaon::f32::nn::Sequential body;                    // torch::nn::Sequential body;
//     std::unique_ptr<kaon::f32::optim::Adam> opt;        // std::unique_ptr<torch::optim::Adam>
//   };
//   kaon::f32::Tensor forward(const kaon::f32::Tensor& x);   // torch::Tensor forward(...)
//
// Only types live here; functions stay in kaon (kaon::zeros, kaon::nn::functional::relu).
#pragma once

#include "kaon/core/tensor.hpp"
#include "kaon/nn/activation.hpp"
#include "kaon/nn/batch_norm.hpp"
#include "kaon/nn/dropout.hpp"
#include "kaon/nn/flatten.hpp"
#include "kaon/nn/layer_norm.hpp"
#include "kaon/nn/linear.hpp"
#include "kaon/nn/loss_module.hpp"
#include "kaon/nn/mlp.hpp"
#include "kaon/nn/module.hpp"
#include "kaon/nn/sequential.hpp"
#include "kaon/optim/adagrad.hpp"
#include "kaon/optim/adam.hpp"
#include "kaon/optim/lbfgs.hpp"
#include "kaon/optim/lr_scheduler.hpp"
#include "kaon/optim/one_cycle_lr.hpp"
#include "kaon/optim/optimizer.hpp"
#include "kaon/optim/reduce_lr_on_plateau.hpp"
#include "kaon/optim/rmsprop.hpp"
#include "kaon/optim/rprop.hpp"
#include "kaon/optim/sgd.hpp"

// One list, written once for both element types.
#define KAON_TYPE_ALIASES(T)                                                  \
  using Tensor = ::kaon::Tensor<T, ::kaon::cpu>;                              \
  using MinMax = ::kaon::MinMax<T, ::kaon::cpu>;                              \
  namespace nn {                                                              \
  using Module = ::kaon::nn::Module<T, ::kaon::cpu>;                          \
  using Linear = ::kaon::nn::Linear<T, ::kaon::cpu>;                          \
  using Sequential = ::kaon::nn::Sequential<T, ::kaon::cpu>;                  \
  using MLP = ::kaon::nn::MLP<T, ::kaon::cpu>;                                \
  using ReLU = ::kaon::nn::ReLU<T, ::kaon::cpu>;                              \
  using LeakyReLU = ::kaon::nn::LeakyReLU<T, ::kaon::cpu>;                    \
  using ELU = ::kaon::nn::ELU<T, ::kaon::cpu>;                                \
  using GELU = ::kaon::nn::GELU<T, ::kaon::cpu>;                              \
  using SiLU = ::kaon::nn::SiLU<T, ::kaon::cpu>;                              \
  using Sigmoid = ::kaon::nn::Sigmoid<T, ::kaon::cpu>;                        \
  using Tanh = ::kaon::nn::Tanh<T, ::kaon::cpu>;                              \
  using Identity = ::kaon::nn::Identity<T, ::kaon::cpu>;                      \
  using Softmax = ::kaon::nn::Softmax<T, ::kaon::cpu>;                        \
  using LogSoftmax = ::kaon::nn::LogSoftmax<T, ::kaon::cpu>;                  \
  using Dropout = ::kaon::nn::Dropout<T, ::kaon::cpu>;                        \
  using Flatten = ::kaon::nn::Flatten<T, ::kaon::cpu>;                        \
  using LayerNorm = ::kaon::nn::LayerNorm<T, ::kaon::cpu>;                    \
  using BatchNorm1d = ::kaon::nn::BatchNorm1d<T, ::kaon::cpu>;                \
  using MSELoss = ::kaon::nn::MSELoss<T, ::kaon::cpu>;                        \
  using L1Loss = ::kaon::nn::L1Loss<T, ::kaon::cpu>;                          \
  using SmoothL1Loss = ::kaon::nn::SmoothL1Loss<T, ::kaon::cpu>;              \
  using BCELoss = ::kaon::nn::BCELoss<T, ::kaon::cpu>;                        \
  using BCEWithLogitsLoss = ::kaon::nn::BCEWithLogitsLoss<T, ::kaon::cpu>;    \
  using CrossEntropyLoss = ::kaon::nn::CrossEntropyLoss<T, ::kaon::cpu>;      \
  using NLLLoss = ::kaon::nn::NLLLoss<T, ::kaon::cpu>;                        \
  }                                                                           \
  namespace optim {                                                           \
  using Optimizer = ::kaon::optim::Optimizer<T, ::kaon::cpu>;                 \
  using SGD = ::kaon::optim::SGD<T, ::kaon::cpu>;                             \
  using Adam = ::kaon::optim::Adam<T, ::kaon::cpu>;                           \
  using AdamW = ::kaon::optim::AdamW<T, ::kaon::cpu>;                         \
  using Adagrad = ::kaon::optim::Adagrad<T, ::kaon::cpu>;                     \
  using RMSprop = ::kaon::optim::RMSprop<T, ::kaon::cpu>;                     \
  using Rprop = ::kaon::optim::Rprop<T, ::kaon::cpu>;                         \
  using LBFGS = ::kaon::optim::LBFGS<T, ::kaon::cpu>;                         \
  using StepLR = ::kaon::optim::StepLR<T, ::kaon::cpu>;                       \
  using MultiStepLR = ::kaon::optim::MultiStepLR<T, ::kaon::cpu>;             \
  using ExponentialLR = ::kaon::optim::ExponentialLR<T, ::kaon::cpu>;         \
  using LinearLR = ::kaon::optim::LinearLR<T, ::kaon::cpu>;                   \
  using CosineAnnealingLR = ::kaon::optim::CosineAnnealingLR<T, ::kaon::cpu>; \
  using OneCycleLR = ::kaon::optim::OneCycleLR<T, ::kaon::cpu>;               \
  using ReduceLROnPlateau = ::kaon::optim::ReduceLROnPlateau<T, ::kaon::cpu>; \
  }

/// float on the CPU: kaon::f32::Tensor, kaon::f32::nn::Linear, kaon::f32::optim::Adam, ...
namespace kaon::f32 {
KAON_TYPE_ALIASES(float)
}  // namespace kaon::f32

/// double on the CPU: kaon::f64::Tensor, kaon::f64::nn::Linear, kaon::f64::optim::Adam, ...
namespace kaon::f64 {
KAON_TYPE_ALIASES(double)
}  // namespace kaon::f64

#undef KAON_TYPE_ALIASES
