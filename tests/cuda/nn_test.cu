// SPDX-License-Identifier: MIT
// nn on kaon::cuda against the CPU from the same weights: modules forward and backward, every
// loss with its gradient, each optimiser's steps (their update functors are the CPU's), dropout
// under manual_seed, and state dicts saved and loaded through host copies.
#include <filesystem>

#include "cuda/cuda_test.hpp"
#include "support/temp_dir.hpp"

using kaon::cpu;
using kaon::Tensor;
using kaon_cuda_test::randn;
using kaon_cuda_test::same_on_both;
using kaon_cuda_test::Tol;
namespace nn = kaon::nn;
namespace F = kaon::nn::functional;
namespace optim = kaon::optim;

namespace {
const Tol kTol{1e-5, 1e-5};

/// A 3-8-8-2 network on device D with the weights of the CPU network made from seed 5.
template <class D>
nn::Sequential<float, D> network() {
  kaon::manual_seed(5);
  nn::Sequential<float, cpu> reference(nn::Linear<float, cpu>(3, 8), nn::Tanh<float, cpu>(),
                                       nn::Linear<float, cpu>(8, 8), nn::ReLU<float, cpu>(),
                                       nn::Linear<float, cpu>(8, 2));
  if constexpr (std::is_same_v<D, cpu>) {
    return reference;
  } else {
    nn::Sequential<float, D> model(nn::Linear<float, D>(3, 8), nn::Tanh<float, D>(),
                                   nn::Linear<float, D>(8, 8), nn::ReLU<float, D>(),
                                   nn::Linear<float, D>(8, 2));
    model.load_state_dict(kaon::io::to<D>(reference.state_dict()));
    return model;
  }
}

template <class D>
std::vector<Tensor<float, D>> values_of(const std::vector<Tensor<float, D>>& params) {
  std::vector<Tensor<float, D>> out;
  for (const auto& p : params) out.push_back(p.detach().clone());
  return out;
}

/// Six full training steps (zero_grad, forward, loss, backward, step) with the optimiser that
/// `make` builds; returns the parameters after them.
template <class Make>
auto train_with(const Make& make) {
  return [make](const auto& x, const auto& y) {
    using D = typename std::decay_t<decltype(x)>::device_type;
    auto model = network<D>();
    auto opt = make(model.parameters());
    for (int step = 0; step < 6; ++step) {
      opt.zero_grad();
      F::mse_loss(model(x), y).backward();
      opt.step();
    }
    return values_of(model.parameters());
  };
}
}  // namespace

TEST_CASE("Modules give the CPU's outputs and gradients", "[kaon::cuda][nn]") {
  same_on_both(
      [](const auto& x) {
        using D = typename std::decay_t<decltype(x)>::device_type;
        auto model = network<D>();
        const auto out = model(x);
        (out * out).sum().backward();
        auto result = values_of(model.parameters());
        for (const auto& p : model.parameters()) result.push_back(p.grad());
        result.push_back(out);
        return result;
      },
      kTol, randn({16, 3}));
  same_on_both(
      [](const auto& x) {
        using D = typename std::decay_t<decltype(x)>::device_type;
        return std::vector{nn::Softmax<float, D>(1)(x), nn::LogSoftmax<float, D>(0)(x),
                           nn::Sigmoid<float, D>()(x), nn::Identity<float, D>()(x)};
      },
      kTol, randn({5, 4}));
}

TEST_CASE("Dropout draws the CPU's mask under manual_seed", "[kaon::cuda][nn]") {
  same_on_both(
      [](const auto& x) {
        using D = typename std::decay_t<decltype(x)>::device_type;
        kaon::manual_seed(11);
        nn::Dropout<float, D> dropout(0.3);
        auto train = dropout(x);
        dropout.eval();
        return std::vector{train, dropout(x)};
      },
      kTol, randn({40, 5}));
}

TEST_CASE("Every loss and its gradient agree with the CPU's", "[kaon::cuda][nn][loss]") {
  const auto logits = randn({12, 4}), target = randn({12, 4}, 2);
  const auto prob = kaon::sigmoid(randn({12, 4}, 3)), labels = (randn({12, 4}, 4) > 0).to<float>();
  const auto classes = kaon::randint<std::int64_t>(0, 4, {12});
  const auto loss_and_grad = [](const auto& loss) {
    return [loss](const auto& a0, const auto& b) {
      auto a = a0.clone().requires_grad_();
      auto l = loss(a, b);
      l.backward();
      return std::vector{l, a.grad()};
    };
  };
  same_on_both(loss_and_grad([](auto a, auto b) { return F::mse_loss(a, b); }), kTol, logits,
               target);
  same_on_both(loss_and_grad([](auto a, auto b) { return F::l1_loss(a, b); }), kTol, logits,
               target);
  same_on_both(loss_and_grad([](auto a, auto b) { return F::smooth_l1_loss(a, b); }), kTol, logits,
               target);
  same_on_both(loss_and_grad([](auto a, auto b) { return F::binary_cross_entropy(a, b); }), kTol,
               prob, labels);
  same_on_both(
      loss_and_grad([](auto a, auto b) { return F::binary_cross_entropy_with_logits(a, b); }), kTol,
      logits, labels);
  same_on_both(loss_and_grad([](auto a, auto b) { return F::cross_entropy(a, b); }), kTol, logits,
               classes);
  same_on_both(loss_and_grad([](auto a, auto b) { return F::nll_loss(F::log_softmax(a, 1), b); }),
               kTol, logits, classes);
  same_on_both(loss_and_grad([](auto a, auto b) {
                 return nn::MSELoss<float, typename decltype(a)::device_type>()(a, b);
               }),
               kTol, logits, target);
  same_on_both(loss_and_grad([](auto a, auto b) {
                 return nn::CrossEntropyLoss<float, typename decltype(a)::device_type>()(a, b);
               }),
               kTol, logits, classes);
}

TEST_CASE("Each optimiser takes the CPU's steps", "[kaon::cuda][optim]") {
  const auto x = randn({32, 3}), y = randn({32, 2}, 2);
  // Each maker is generic in the parameters' device.
  same_on_both(train_with([](auto p) { return optim::SGD(p, optim::SGDOptions(0.1)); }), kTol, x,
               y);
  same_on_both(train_with([](auto p) {
                 return optim::SGD(
                     p, optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01));
               }),
               kTol, x, y);
  same_on_both(train_with([](auto p) { return optim::Adam(p, optim::AdamOptions(0.01)); }), kTol, x,
               y);
  same_on_both(train_with([](auto p) {
                 return optim::Adam(p, optim::AdamOptions(0.01).weight_decay(0.1).amsgrad(true));
               }),
               kTol, x, y);
  same_on_both(train_with([](auto p) { return optim::AdamW(p, optim::AdamWOptions(0.01)); }), kTol,
               x, y);
  same_on_both(train_with([](auto p) {
                 return optim::Adagrad(p, optim::AdagradOptions(0.1).lr_decay(0.01));
               }),
               kTol, x, y);
  same_on_both(train_with([](auto p) {
                 return optim::RMSprop(p, optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
               }),
               kTol, x, y);
  same_on_both(train_with([](auto p) { return optim::Rprop(p, optim::RpropOptions(0.01)); }), kTol,
               x, y);
}

TEST_CASE("A state dict saved from cuda loads back through host copies", "[kaon::cuda][nn][io]") {
  kaon_test::TempDir dir;
  const auto path = dir.file("model.npz").string();
  auto model = network<kaon::cuda>();
  kaon::io::save_npz(path, model.state_dict());
  kaon::manual_seed(99);
  nn::Sequential<float, kaon::cuda> other(
      nn::Linear<float, kaon::cuda>(3, 8), nn::Tanh<float, kaon::cuda>(),
      nn::Linear<float, kaon::cuda>(8, 8), nn::ReLU<float, kaon::cuda>(),
      nn::Linear<float, kaon::cuda>(8, 2));
  other.load_state_dict(kaon::io::to<kaon::cuda>(kaon::io::load_npz<float>(path)));
  const auto x = randn({4, 3}).to<kaon::cuda>();
  REQUIRE(other(x).to_vector() == model(x).to_vector());
  const auto host = network<cpu>();
  kaon_cuda_test::check_same(host(x.to<cpu>()), model(x), kTol);
}
