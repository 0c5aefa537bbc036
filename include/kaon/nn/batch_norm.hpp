// SPDX-License-Identifier: MIT
// Batch normalisation over a batch of feature vectors (nn.BatchNorm1d, nn.functional.batch_norm):
// each channel normalised by the batch's mean and biased variance in training, where the running
// statistics move towards the batch's (with the unbiased variance), and by the running statistics
// in eval. Composed of differentiable ops; the running statistics are updated outside the graph.
#pragma once

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/nn/init.hpp"
#include "kaon/nn/module.hpp"
#include "kaon/ops/binary.hpp"
#include "kaon/ops/factory.hpp"
#include "kaon/ops/reduce.hpp"
#include "kaon/ops/unary.hpp"
#include "kaon/ops/view.hpp"

namespace kaon::nn {
namespace functional {
/// torch.nn.functional.batch_norm for (N, C) or (N, C, L) input: normalises each channel c by
/// the batch's statistics over N (and L) when training, else by running_mean and running_var
/// (of C). When training, running_mean and running_var (if defined) move by `momentum` towards
/// the batch mean and the unbiased batch variance. weight and bias (of C) may be undefined.
template <class T, class D>
Tensor<T, D> batch_norm(const Tensor<T, D>& x, const Tensor<T, D>& running_mean,
                        const Tensor<T, D>& running_var, const Tensor<T, D>& weight = {},
                        const Tensor<T, D>& bias = {}, bool training = false, double momentum = 0.1,
                        double eps = 1e-5) {
  KAON_CHECK(x.dim() == 2 || x.dim() == 3, ShapeError, "batch_norm: expected 2D or 3D input (got ",
             x.dim(), "D input of shape ", x.shape(), ")");
  const std::int64_t channels = x.size(1), count = x.numel() / std::max<std::int64_t>(channels, 1);
  const auto check_channels = [&](const Tensor<T, D>& t, const char* what) {
    KAON_CHECK(!t.defined() || t.shape() == Shape{channels}, ShapeError, "batch_norm: ", what,
               " has shape ", t.shape(), ", expected [", channels, "] for input of shape ",
               x.shape());
  };
  check_channels(running_mean, "running_mean");
  check_channels(running_var, "running_var");
  check_channels(weight, "weight");
  check_channels(bias, "bias");
  KAON_CHECK(running_mean.defined() == running_var.defined(), ValueError,
             "batch_norm: give both running_mean and running_var, or neither");
  KAON_CHECK(training || running_mean.defined(), ValueError,
             "batch_norm: eval mode needs running_mean and running_var");
  // A channel's values: over N for (N, C), over N and L for (N, C, L).
  const Shape per_channel = x.dim() == 2 ? Shape{1, channels} : Shape{1, channels, 1};
  const auto channel_mean = [&](const Tensor<T, D>& t) {
    return x.dim() == 2 ? t.mean(0, true) : t.mean(0, true).mean(2, true);
  };
  Tensor<T, D> mean, var;
  if (training) {
    KAON_CHECK(count > 1, ValueError,
               "batch_norm: expected more than 1 value per channel when training, got input of "
               "shape ",
               x.shape());
    mean = channel_mean(x);
    const auto centred = x - mean;
    var = channel_mean(centred * centred);
    if (running_mean.defined()) {
      NoGradGuard no_grad;
      const auto m = static_cast<T>(momentum), keep = static_cast<T>(1 - momentum);
      const auto unbiased = var.detach() * static_cast<T>(static_cast<double>(count) /
                                                          static_cast<double>(count - 1));
      auto rm = running_mean, rv = running_var;  // handles: the update writes the module's
      rm.copy_(rm * keep + mean.detach().reshape({channels}) * m);
      rv.copy_(rv * keep + unbiased.reshape({channels}) * m);
    }
  } else {
    mean = running_mean.reshape(per_channel);
    var = running_var.reshape(per_channel);
  }
  auto y = (x - mean) / sqrt(var + static_cast<T>(eps));
  if (weight.defined()) y = y * weight.reshape(per_channel);
  if (bias.defined()) y = y + bias.reshape(per_channel);
  return y;
}
}  // namespace functional

/// BatchNorm1d(num_features, eps, momentum, affine, track_running_stats) over (N, C) or
/// (N, C, L) input. Buffers running_mean (zeros), running_var (ones) and the int64
/// num_batches_tracked; weight (ones) and bias (zeros) when affine. A momentum of std::nullopt
/// (PyTorch's None) gives the cumulative average, 1 / num_batches_tracked.
template <class T = float, class D = cpu>
class BatchNorm1d : public Module<T, D> {
 public:
  explicit BatchNorm1d(std::int64_t num_features, double eps = 1e-5,
                       std::optional<double> momentum = 0.1, bool affine = true,
                       bool track_running_stats = true)
      : Module<T, D>("BatchNorm1d"), num_features(num_features), eps(eps), momentum(momentum) {
    KAON_CHECK(num_features > 0, ValueError, "BatchNorm1d: num_features must be positive, got ",
               num_features);
    if (affine) {
      weight = this->register_parameter("weight", empty<T, D>({num_features}));
      bias = this->register_parameter("bias", empty<T, D>({num_features}));
    }
    if (track_running_stats) {
      running_mean = this->register_buffer("running_mean", zeros<T, D>({num_features}));
      running_var = this->register_buffer("running_var", ones<T, D>({num_features}));
      num_batches_tracked =
          this->register_buffer("num_batches_tracked", zeros<std::int64_t, D>(Shape{}));
    }
    reset_parameters();
  }
  /// running_mean = 0, running_var = 1, num_batches_tracked = 0.
  void reset_running_stats() {
    if (!running_mean.defined()) return;
    NoGradGuard no_grad;
    running_mean.zero_();
    running_var.fill_(T(1));
    num_batches_tracked.zero_();
  }
  /// The running statistics, and weight = 1, bias = 0.
  void reset_parameters() override {
    reset_running_stats();
    if (!weight.defined()) return;
    init::ones_(weight);
    init::zeros_(bias);
  }
  Tensor<T, D> forward(const Tensor<T, D>& x) const {
    double factor = momentum.value_or(0.0);
    if (this->is_training() && num_batches_tracked.defined()) {
      NoGradGuard no_grad;
      auto count = num_batches_tracked;
      count.fill_(count.item() + 1);
      if (!momentum) factor = 1.0 / static_cast<double>(count.item());
    }
    // Without running statistics, batch statistics are used in eval too (as PyTorch does).
    const bool use_batch = this->is_training() || !running_mean.defined();
    return functional::batch_norm(x, running_mean, running_var, weight, bias, use_batch, factor,
                                  eps);
  }
  Tensor<T, D> operator()(const Tensor<T, D>& x) const { return forward(x); }
  [[nodiscard]] std::string extra_repr() const override {
    std::ostringstream os;
    os << num_features << ", eps=" << eps << ", momentum=";
    if (momentum)
      os << *momentum;
    else
      os << "None";
    os << ", affine=" << (weight.defined() ? "True" : "False")
       << ", track_running_stats=" << (running_mean.defined() ? "True" : "False");
    return os.str();
  }

  std::int64_t num_features;
  double eps;
  std::optional<double> momentum;
  Tensor<T, D> weight, bias, running_mean, running_var;
  Tensor<std::int64_t, D> num_batches_tracked;
};

}  // namespace kaon::nn
