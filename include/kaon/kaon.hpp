// SPDX-License-Identifier: MIT
// kaon: PyTorch's tensors in C++20. Include this header for the whole CPU library.
//
//   #include <kaon/kaon.hpp>
//   kaon::manual_seed(0);
//   auto u0 = 50 * kaon::rand({100, 1});             // torch.rand(100, 1) * 50
//   auto t = kaon::linspace(0, 5, 1000);             // torch.linspace(0, 5, 1000)
//   auto x = u0 * kaon::cos(kaon::full({100, 1}, 0.7f)) * t;   // broadcasts to [100, 1000]
//   std::cout << x.shape() << " " << x.max() << "\n";  // [100, 1000] tensor(...)
//
// Tensors are handles (copies share storage), element type and device are template arguments
// (Tensor<double>, Tensor<float, kaon::cuda>), and names follow PyTorch.
#pragma once

#include "kaon/autograd/engine.hpp"
#include "kaon/autograd/function.hpp"
#include "kaon/autograd/grad_mode.hpp"
#include "kaon/autograd/gradcheck.hpp"
#include "kaon/autograd/node.hpp"
#include "kaon/autograd/tensor_autograd.hpp"
#include "kaon/backend/cpu/backend.hpp"
#include "kaon/core/device.hpp"
#include "kaon/core/dtype.hpp"
#include "kaon/core/error.hpp"
#include "kaon/core/print.hpp"
#include "kaon/core/random.hpp"
#include "kaon/core/shape.hpp"
#include "kaon/core/tensor.hpp"
#include "kaon/data/column.hpp"
#include "kaon/data/csv.hpp"
#include "kaon/data/dataloader.hpp"
#include "kaon/data/frame.hpp"
#include "kaon/data/polynomial.hpp"
#include "kaon/data/scaler.hpp"
#include "kaon/data/split.hpp"
#include "kaon/io/npy.hpp"
#include "kaon/io/npz.hpp"
#include "kaon/linalg/linear_regression.hpp"
#include "kaon/linalg/lstsq.hpp"
#include "kaon/metrics/classification.hpp"
#include "kaon/metrics/regression.hpp"
#include "kaon/metrics/roc.hpp"
#include "kaon/nn/activation.hpp"
#include "kaon/nn/dropout.hpp"
#include "kaon/nn/init.hpp"
#include "kaon/nn/linear.hpp"
#include "kaon/nn/loss.hpp"
#include "kaon/nn/loss_module.hpp"
#include "kaon/nn/mlp.hpp"
#include "kaon/nn/module.hpp"
#include "kaon/nn/sequential.hpp"
#include "kaon/ops/addmm.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/copy.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/gather.hpp"
#include "kaon/ops/histogram.hpp"
#include "kaon/ops/index.hpp"
#include "kaon/ops/join.hpp"
#include "kaon/ops/matmul.hpp"
#include "kaon/ops/minmax.hpp"
#include "kaon/ops/random.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"
#include "kaon/ops/view.hpp"
#include "kaon/ops/where.hpp"
#include "kaon/optim/adagrad.hpp"
#include "kaon/optim/adam.hpp"
#include "kaon/optim/lr_scheduler.hpp"
#include "kaon/optim/optimizer.hpp"
#include "kaon/optim/rmsprop.hpp"
#include "kaon/optim/rprop.hpp"
#include "kaon/optim/sgd.hpp"
#include "kaon/version.hpp"
