// SPDX-License-Identifier: MIT
// Autograd on kaon::cuda against the CPU on the same inputs: the gradient of every
// differentiable op, accumulation into leaves, higher-order gradients and gradcheck in double.
#include "cuda/cuda_test.hpp"

using kaon::Tensor;
using kaon_cuda_test::randn;
using kaon_cuda_test::same_on_both;
using kaon_cuda_test::Tol;

namespace {
const Tol kGrad{1e-5, 1e-5};

/// The gradients of sum(w * op(x, y)) with respect to x and y; w is fixed upstream weighting.
template <class Op>
auto grads_of(const Op& op) {
  return [op](const auto& x0, const auto& y0, const auto& w) {
    auto x = x0.clone().requires_grad_();
    auto y = y0.clone().requires_grad_();
    (op(x, y) * w).sum().backward();
    return std::vector{x.grad(), y.grad()};
  };
}
}  // namespace

TEST_CASE("The gradient of every differentiable op agrees with the CPU's", "[cuda][autograd]") {
  const auto x = randn({4, 6}), y = randn({4, 6}, 2), w = randn({4, 6}, 3);
  const auto col = randn({4, 1}, 4), pos = kaon::abs(randn({4, 6}, 5)) + 0.2f;
  const auto check = [&](const auto& op, const Tensor<float>& a, const Tensor<float>& b) {
    same_on_both(grads_of(op), kGrad, a, b, w);
  };
  check([](auto a, auto b) { return a + b * 2 - 1; }, x, y);
  check([](auto a, auto b) { return a * b / (b * b + 1); }, x, y);
  check([](auto a, auto b) { return a + b; }, x, col);  // the broadcast operand's gradient sums
  check([](auto a, auto b) { return kaon::pow(a, b); }, pos, y);
  check([](auto a, auto b) { return kaon::pow(a, 3) + kaon::sqrt(b); }, x, pos);
  check([](auto a, auto b) { return kaon::exp(a) * kaon::log(b); }, x, pos);
  check([](auto a, auto b) { return kaon::sin(a) + kaon::cos(b) + kaon::tan(a * 0.3); }, x, y);
  check([](auto a, auto b) { return kaon::tanh(a) * kaon::sigmoid(b); }, x, y);
  check([](auto a, auto b) { return kaon::relu(a) + kaon::abs(b) + kaon::clamp(a, -0.3, 0.4); }, x,
        y);
  check([](auto a, auto b) { return kaon::maximum(a, b) - kaon::minimum(a, b); }, x, y);
  check([](auto a, auto b) { return kaon::where(a > b, a * 2, b); }, x, y);
  check([](auto a, auto b) { return (a.sum(0, true) + b.mean(1, true)).expand({4, 6}); }, x, y);
  check([](auto a, auto b) { return a.prod(1, true) * b.var(0, true, true) + b.std() + a.norm(); },
        x, y);
  check([](auto a, auto b) { return a.max(1, true).values + b.min() + a.max(); }, x, y);
  check([](auto a, auto b) { return kaon::matmul(a, b.t()).sum(1, true) * b; }, x, y);
  check(
      [](auto a, auto b) {
        return kaon::matmul(a.reshape({2, 2, 6}), b.reshape({2, 6, 2}))
            .reshape({1, 8})
            .sum(1, true)
            .expand({4, 6});
      },
      x, y);
  check([](auto a, auto b) { return kaon::cat({a.slice(1, 0, 3), b.slice(1, 3, 6)}, 1); }, x, y);
  check([](auto a, auto b) { return kaon::stack({a, b}, 0).sum(0); }, x, y);
  check([](auto a, auto b) { return a.t().contiguous().t() * b.permute({1, 0}).t(); }, x, y);
  check(
      [](auto a, auto b) {
        const auto i = kaon::tensor<std::int64_t>({3, 0, 3, 1})
                           .template to<typename decltype(a)::device_type>();
        return kaon::index_select(a, 0, i) + b;
      },
      x, y);
  check(
      [](auto a, auto b) {
        return kaon::where(a > 0, a, b * 0).expand({4, 6}) + kaon::masked_select(b, a > 0).sum();
      },
      x, y);
  check(
      [](auto a, auto b) {
        return kaon::nn::functional::softmax(a, 1) + kaon::nn::functional::log_softmax(b, 0);
      },
      x, y);
  check([](auto a, auto b) { return a.template to<double>().exp().template to<float>() * b; }, x,
        y);
}

TEST_CASE("Gradients accumulate in leaves across backward calls", "[cuda][autograd]") {
  same_on_both(
      [](const auto& x0) {
        auto x = x0.clone().requires_grad_();
        (x * x).sum().backward();
        (kaon::sin(x)).sum().backward();
        return x.grad();
      },
      kGrad, randn({3, 5}));
}

TEST_CASE("Second and third derivatives agree with the CPU's", "[cuda][autograd][higher-order]") {
  same_on_both(
      [](const auto& x0) {
        auto x = x0.clone().requires_grad_();
        using T = typename std::decay_t<decltype(x)>;
        const auto d1 = kaon::autograd::grad<double, typename T::device_type>(
            {kaon::sin(x).sum()}, {x}, {}, std::nullopt, true)[0];
        const auto d2 = kaon::autograd::grad<double, typename T::device_type>(
            {(d1 * x).sum()}, {x}, {}, std::nullopt, true)[0];
        const auto d3 = kaon::autograd::grad<double, typename T::device_type>({d2.sum()}, {x})[0];
        return std::vector{d1, d2, d3};
      },
      Tol{1e-12, 1e-12}, randn<double>({7}));
  // A gradient penalty: the norm of d loss / d input, itself differentiated to the weights.
  same_on_both(
      [](const auto& x0, const auto& w0) {
        auto x = x0.clone().requires_grad_();
        auto w = w0.clone().requires_grad_();
        using D = typename std::decay_t<decltype(x)>::device_type;
        const auto out = kaon::tanh(kaon::matmul(x, w)).sum();
        const auto gx = kaon::autograd::grad<double, D>({out}, {x}, {}, std::nullopt, true)[0];
        (out + kaon::pow(gx, 2).sum()).backward();
        return std::vector{w.grad(), x.grad()};
      },
      Tol{1e-12, 1e-12}, randn<double>({5, 3}), randn<double>({3, 2}, 2));
}

TEST_CASE("gradcheck and gradgradcheck pass in double on cuda", "[cuda][autograd]") {
  using kaon::cuda;
  const auto x = randn<double>({3, 4}).to<cuda>().requires_grad_();
  const auto w = randn<double>({4, 2}, 2).to<cuda>().requires_grad_();
  const kaon::autograd::DoubleFn<cuda> fn = [](const std::vector<Tensor<double, cuda>>& in) {
    return kaon::sigmoid(kaon::matmul(in[0], in[1])) * kaon::exp(in[0].sum(1, true) * 0.1);
  };
  REQUIRE(kaon::autograd::gradcheck<cuda>(fn, {x, w}));
  REQUIRE(kaon::autograd::gradgradcheck<cuda>(fn, {x, w}));
}
