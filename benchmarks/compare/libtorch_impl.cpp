// SPDX-License-Identifier: MIT
// bench_compare's LibTorch side: the same workloads written as a LibTorch C++ user would, from
// kaon's data and initial weights. LibTorch 1.13's C++ API has no Rprop, so Rprop here is
// torch.optim.Rprop's single-tensor update (torch/optim/rprop.py) in LibTorch ops, with
// masked_fill_ where the Python code assigns through a boolean index.
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <cmath>
#include <utility>

#include "compare.hpp"

namespace compare {
namespace {

torch::Tensor to_tensor(const Array& a) {
  return torch::from_blob(const_cast<float*>(a.data.data()), a.shape, torch::kFloat).clone();
}

double abs_sum(const torch::Tensor& t) { return t.abs().sum(torch::kDouble).item<double>(); }

torch::nn::Sequential relu_mlp(const std::vector<std::int64_t>& widths) {
  torch::nn::Sequential model;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    if (i > 0) model->push_back(torch::nn::ReLU());
    model->push_back(torch::nn::Linear(widths[i], widths[i + 1]));
  }
  return model;
}

template <class Module>
void load_params(Module& model, const std::vector<Array>& params) {
  torch::NoGradGuard no_grad;
  auto ps = model->parameters();
  TORCH_CHECK(ps.size() == params.size(), "bench_compare: parameter count differs");
  for (std::size_t i = 0; i < ps.size(); ++i) ps[i].copy_(to_tensor(params[i]).view_as(ps[i]));
}

/// torch.optim.Rprop(params) with its defaults: lr 0.01, etas (0.5, 1.2), step sizes (1e-6, 50).
class Rprop {
 public:
  explicit Rprop(std::vector<torch::Tensor> params) : params_(std::move(params)) {
    for (const auto& p : params_) {
      prev_.push_back(torch::zeros_like(p));
      step_size_.push_back(torch::full_like(p, lr_));
    }
  }
  void zero_grad() {
    for (auto& p : params_)
      if (p.grad().defined()) {
        p.grad().detach_();
        p.grad().zero_();
      }
  }
  void step() {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < params_.size(); ++i) {
      auto grad = params_[i].grad();
      if (!grad.defined()) continue;
      auto sign = grad.mul(prev_[i]).sign();
      sign.masked_fill_(sign.gt(0), etaplus_);
      sign.masked_fill_(sign.lt(0), etaminus_);
      sign.masked_fill_(sign.eq(0), 1);
      step_size_[i].mul_(sign).clamp_(step_min_, step_max_);
      grad = grad.clone();
      grad.masked_fill_(sign.eq(etaminus_), 0);
      params_[i].addcmul_(grad.sign(), step_size_[i], -1);
      prev_[i].copy_(grad);
    }
  }

 private:
  std::vector<torch::Tensor> params_, prev_, step_size_;
  double lr_ = 0.01, etaminus_ = 0.5, etaplus_ = 1.2, step_min_ = 1e-6, step_max_ = 50;
};

template <class Module, class Optimizer>
class Training final : public Workload {
 public:
  template <class... OptimizerArgs>
  Training(const Problem& p, Module model, OptimizerArgs&&... args)
      : model_(std::move(model)),
        x_(to_tensor(p.inputs[0])),
        y_(to_tensor(p.inputs[1])),
        opt_(model_->parameters(), std::forward<OptimizerArgs>(args)...) {
    load_params(model_, p.params);
  }
  void run() override {
    opt_.zero_grad();
    loss_ = torch::mse_loss(model_->forward(x_), y_);
    loss_.backward();
    opt_.step();
    benchmark::DoNotOptimize(loss_.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return loss_.item<double>(); }

 private:
  Module model_;
  torch::Tensor x_, y_;
  Optimizer opt_;
  torch::Tensor loss_;
};

class Inference final : public Workload {
 public:
  explicit Inference(const Problem& p) : model_(relu_mlp({1, 50, 1})), x_(to_tensor(p.inputs[0])) {
    load_params(model_, p.params);
  }
  void run() override {
    torch::NoGradGuard no_grad;
    out_ = model_->forward(x_);
    benchmark::DoNotOptimize(out_.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return abs_sum(out_); }

 private:
  torch::nn::Sequential model_;
  torch::Tensor x_, out_;
};

class Projectile final : public Workload {
 public:
  explicit Projectile(const Problem& p)
      : u0_(to_tensor(p.inputs[0])), theta_(to_tensor(p.inputs[1])), t_(to_tensor(p.inputs[2])) {}
  void run() override {
    x_ = u0_ * torch::cos(theta_) * t_;
    y_ = u0_ * torch::sin(theta_) * t_ - 4.9 * t_ * t_;
    benchmark::DoNotOptimize(x_.data_ptr());
    benchmark::DoNotOptimize(y_.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return abs_sum(x_) + abs_sum(y_); }

 private:
  torch::Tensor u0_, theta_, t_, x_, y_;
};

/// c = a @ b into an existing c (mm_out), so the figure is the GEMM's.
class Gemm final : public Workload {
 public:
  explicit Gemm(const Problem& p)
      : a_(to_tensor(p.inputs[0])), b_(to_tensor(p.inputs[1])), c_(torch::empty_like(a_)) {}
  void run() override {
    torch::mm_out(c_, a_, b_);
    benchmark::DoNotOptimize(c_.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return abs_sum(c_); }

 private:
  torch::Tensor a_, b_, c_;
};

class AddLarge final : public Workload {
 public:
  explicit AddLarge(const Problem& p) : a_(to_tensor(p.inputs[0])), b_(to_tensor(p.inputs[1])) {}
  void run() override {
    a_.add_(b_);
    benchmark::DoNotOptimize(a_.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return kNothing; }

 private:
  torch::Tensor a_, b_;
};

class AddNew final : public Workload {
 public:
  explicit AddNew(const Problem& p) : a_(to_tensor(p.inputs[0])), b_(to_tensor(p.inputs[1])) {}
  void run() override {
    const auto c = a_ + b_;
    benchmark::DoNotOptimize(c.data_ptr());
    benchmark::ClobberMemory();
  }
  double check() override { return kNothing; }

 private:
  torch::Tensor a_, b_;
};

using MlpAdam = Training<torch::nn::Sequential, torch::optim::Adam>;
using MlpRprop = Training<torch::nn::Sequential, Rprop>;
using LinearRprop = Training<torch::nn::Linear, Rprop>;

}  // namespace

void libtorch_single_thread() {
  torch::set_num_threads(1);
  // LibTorch's GEMM is the system BLAS (Debian: libblas.so.3); OpenBLAS keeps its own thread
  // count, which torch::set_num_threads does not always reach.
  using SetThreads = void (*)(int);
  if (void* f = dlsym(RTLD_DEFAULT, "openblas_set_num_threads")) reinterpret_cast<SetThreads>(f)(1);
}

std::unique_ptr<Workload> make_libtorch(const Problem& p) {
  const auto& name = p.name;
  if (name == "mlp_step")
    return std::make_unique<MlpAdam>(p, relu_mlp({1, 50, 1}), torch::optim::AdamOptions(0.01));
  if (name == "mlp_step_rprop") return std::make_unique<MlpRprop>(p, relu_mlp({1, 50, 1}));
  if (name == "linreg_step") return std::make_unique<LinearRprop>(p, torch::nn::Linear(2, 1));
  if (name == "mlp_medium")
    return std::make_unique<MlpAdam>(p, relu_mlp({128, 256, 256, 10}),
                                     torch::optim::AdamOptions(1e-3));
  if (name == "inference_small") return std::make_unique<Inference>(p);
  if (name == "projectile") return std::make_unique<Projectile>(p);
  if (name.rfind("gemm/", 0) == 0) return std::make_unique<Gemm>(p);
  if (name == "add_large") return std::make_unique<AddLarge>(p);
  if (name == "add_new") return std::make_unique<AddNew>(p);
  return nullptr;
}

}  // namespace compare
