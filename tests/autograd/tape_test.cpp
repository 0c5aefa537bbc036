// SPDX-License-Identifier: MIT
// The tape's semantics: requires_grad propagation, grad_fn names, accumulation, NoGradGuard,
// detach, retain_graph, retain_grad, custom Functions, the errors autograd raises, and that a
// long training loop holds its memory flat.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>

using Catch::Matchers::Contains;
using kaon::Tensor;

TEST_CASE("Results of recorded ops require grad and name their backward node as PyTorch does",
          "[autograd]") {
  auto x = kaon::ones<double>({2, 2}).requires_grad_();
  CHECK(x.requires_grad());
  CHECK(x.is_leaf());
  CHECK(x.grad_fn() == nullptr);
  const auto y = x * 3.0 + 1.0;
  CHECK(y.requires_grad());
  CHECK_FALSE(y.is_leaf());
  CHECK(std::string(y.grad_fn()->name()) == "AddBackward1");
  CHECK(std::string((x * x).grad_fn()->name()) == "MulBackward0");
  CHECK(std::string(x.sum().grad_fn()->name()) == "SumBackward0");
  CHECK(std::string(x.sum(0).grad_fn()->name()) == "SumBackward1");
  CHECK(std::string(x.t().grad_fn()->name()) == "TransposeBackward0");
  CHECK(std::string(kaon::matmul(x, x).grad_fn()->name()) == "MmBackward0");
  const auto z = kaon::ones<double>({2});
  CHECK_FALSE((z * 2.0).requires_grad());
  std::ostringstream os;
  os << x.sum();
  CHECK(os.str() == "tensor(4., dtype=torch.float64, grad_fn=<SumBackward0>)");
  std::ostringstream leaf;
  leaf << kaon::ones({2}).requires_grad_();
  CHECK(leaf.str() == "tensor([1., 1.], requires_grad=True)");
}

TEST_CASE("Gradients accumulate over backward calls until they are reset", "[autograd]") {
  auto w = kaon::tensor<float>({1, 2, 3}).requires_grad_();
  (w * w).sum().backward();
  CHECK(w.grad().to_vector() == std::vector<float>{2, 4, 6});
  (w * w).sum().backward();
  CHECK(w.grad().to_vector() == std::vector<float>{4, 8, 12});
  w.set_grad({});
  CHECK_FALSE(w.grad().defined());
  (3.0f * w).sum().backward();
  CHECK(w.grad().to_vector() == std::vector<float>{3, 3, 3});
}

TEST_CASE("NoGradGuard and detach stop recording", "[autograd]") {
  auto x = kaon::ones({3}).requires_grad_();
  {
    kaon::NoGradGuard no_grad;
    const auto y = x * 2.0f;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
    x -= 0.5f;  // allowed: an optimiser step
    {
      kaon::EnableGradGuard enable;
      CHECK((x * 2.0f).requires_grad());
    }
  }
  CHECK(kaon::autograd::GradMode::is_enabled());
  const auto d = x.detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.is_alias_of(x));
  CHECK((x * 2.0f).requires_grad());
}

TEST_CASE("Gradients flow through float to double conversions", "[autograd]") {
  auto x = kaon::tensor<float>({1, 2}).requires_grad_();
  const auto y = (x.to<double>() * 2.0).sum();
  y.backward();
  CHECK(x.grad().to_vector() == std::vector<float>{2, 2});
  CHECK(std::string(x.to<double>().grad_fn()->name()) == "ToCopyBackward0");
}

TEST_CASE("retain_graph allows a second backward and retain_grad keeps a non-leaf's gradient",
          "[autograd]") {
  auto x = kaon::tensor<double>({1, 2}).requires_grad_();
  auto h = x * x;
  h.retain_grad();
  const auto y = (h * 3.0).sum();
  y.backward(true);
  CHECK(h.grad().to_vector() == std::vector<double>{3, 3});
  y.backward();
  CHECK(x.grad().to_vector() == std::vector<double>{12, 24});  // two backwards of 6x
}

TEST_CASE("autograd::grad returns gradients without touching grad()", "[autograd]") {
  auto x = kaon::tensor<double>({1, 2, 3}).requires_grad_();
  auto w = kaon::tensor<double>({2, 2, 2}).requires_grad_();
  const auto y = (x * w).sum();
  const auto g = kaon::autograd::grad<double, kaon::cpu>({y}, {x, w});
  CHECK(g[0].to_vector() == std::vector<double>{2, 2, 2});
  CHECK(g[1].to_vector() == std::vector<double>{1, 2, 3});
  CHECK_FALSE(x.grad().defined());
  CHECK_FALSE(w.grad().defined());
  auto unused = kaon::ones<double>({1}).requires_grad_();
  const auto y2 = (x * x).sum();
  CHECK_THROWS_WITH((kaon::autograd::grad<double, kaon::cpu>({y2}, {unused}, {}, true)),
                    Contains("not used"));
  CHECK_FALSE(
      kaon::autograd::grad<double, kaon::cpu>({y2}, {unused}, {}, true, false, true)[0].defined());
}

namespace {
// A custom op: y = x^3 with a user-written backward; saves a tensor and a plain value.
struct Cube : kaon::autograd::Function<Cube> {
  static constexpr const char* name = "CubeBackward";
  template <class T, class D>
  static Tensor<T, D> forward(kaon::autograd::Context<D>& ctx, const Tensor<T, D>& x,
                              double scale) {
    ctx.save_for_backward(x);
    ctx.saved_data["scale"] = scale;
    return scale * x * x * x;
  }
  template <class T, class D>
  static std::vector<Tensor<T, D>> backward(kaon::autograd::Context<D>& ctx,
                                            const std::vector<Tensor<T, D>>& g) {
    const auto x = ctx.template saved<T>(0);
    const double scale = std::any_cast<double>(ctx.saved_data.at("scale"));
    return {g[0] * (3.0 * scale) * x * x};
  }
};
}  // namespace

TEST_CASE("A custom Function records its own backward, which higher-order grads go through",
          "[autograd]") {
  auto x = kaon::tensor<double>({1, 2}).requires_grad_();
  const auto y = Cube::apply(x, 2.0);
  CHECK(y.to_vector() == std::vector<double>{2, 16});
  CHECK(std::string(y.grad_fn()->name()) == "CubeBackward");
  const auto g = kaon::autograd::grad<double, kaon::cpu>({y.sum()}, {x}, {}, std::nullopt, true)[0];
  CHECK(g.to_vector() == std::vector<double>{6, 24});  // 3 * 2 * x^2
  const auto gg = kaon::autograd::grad<double, kaon::cpu>({g.sum()}, {x})[0];
  CHECK(gg.to_vector() == std::vector<double>{12, 24});  // 6 * 2 * x
  kaon::autograd::DoubleFn<> f = [](const std::vector<Tensor<double>>& in) {
    return Cube::apply(in[0], 0.5);
  };
  CHECK(kaon::autograd::gradcheck(f, {kaon::tensor<double>({0.5, -1.5, 2.0})}));
}

TEST_CASE("A second backward through freed buffers is a clear error", "[autograd][errors]") {
  auto x = kaon::tensor<double>({1, 2}).requires_grad_();
  const auto y = (x * x).sum();
  y.backward();
  REQUIRE_THROWS_AS(y.backward(), kaon::Error);
  REQUIRE_THROWS_WITH(y.backward(), Contains("MulBackward0") && Contains("second time") &&
                                        Contains("retain_graph"));
}

TEST_CASE("backward on a non-scalar output without a gradient is a clear error",
          "[autograd][errors]") {
  auto x = kaon::ones({2, 3}).requires_grad_();
  const auto y = x * 2.0f;
  REQUIRE_THROWS_AS(y.backward(), kaon::Error);
  REQUIRE_THROWS_WITH(y.backward(),
                      Contains("backward") && Contains("one-element") && Contains("[2, 3]"));
  REQUIRE_THROWS_WITH(y.backward(kaon::ones({3})), Contains("[3]") && Contains("[2, 3]"));
}

TEST_CASE("Asking for the gradient of a tensor that does not require grad is a clear error",
          "[autograd][errors]") {
  const auto x = kaon::ones({2});
  REQUIRE_THROWS_WITH(x.sum().backward(), Contains("does not require grad"));
  auto w = kaon::ones({2}).requires_grad_();
  auto y = (w * 2.0f).sum();
  REQUIRE_THROWS_WITH((kaon::autograd::grad<float, kaon::cpu>({y}, {x})),
                      Contains("grad") && Contains("does not require grad"));
  REQUIRE_THROWS_WITH(y.requires_grad_(), Contains("leaf"));
}

TEST_CASE("Modifying in place a tensor saved for backward is detected by its version",
          "[autograd][errors]") {
  auto x = kaon::tensor<float>({1, 2, 3}).requires_grad_();
  auto w = kaon::tensor<float>({4, 5, 6});
  const auto y = (x * w).sum();
  w += 1.0f;  // w was saved by the multiplication
  REQUIRE_THROWS_AS(y.backward(), kaon::Error);
  REQUIRE_THROWS_WITH(y.backward(true), Contains("modified by an in-place operation") &&
                                            Contains("[3]") && Contains("version 1"));
  // In-place ops on tensors that require grad are refused while recording.
  REQUIRE_THROWS_WITH(x += 1.0f,
                      Contains("add_") && Contains("requires grad") && Contains("NoGradGuard"));
  auto h = x * 2.0f;
  REQUIRE_THROWS_AS(h.fill_(0.0f), kaon::Error);
}

namespace {
// One step of a 1-16-1 MLP built from tensor ops, trained by plain gradient descent.
float mlp_step(Tensor<float>& w1, Tensor<float>& b1, Tensor<float>& w2, Tensor<float>& b2,
               const Tensor<float>& x, const Tensor<float>& y) {
  const auto h = kaon::relu(kaon::matmul(x, w1) + b1);
  const auto out = kaon::matmul(h, w2) + b2;
  const auto loss = kaon::pow(out - y, 2).mean();
  loss.backward();
  kaon::NoGradGuard no_grad;
  for (auto* p : {&w1, &b1, &w2, &b2}) {
    *p -= 0.01f * p->grad();
    p->grad().zero_();
  }
  return loss.item();
}
}  // namespace

TEST_CASE("100,000 training steps hold the count of storages and graph nodes flat",
          "[autograd][leak]") {
  kaon::manual_seed(3);
  auto w1 = (0.5f * kaon::randn({1, 16})).requires_grad_();
  auto b1 = kaon::zeros({16}).requires_grad_();
  auto w2 = (0.5f * kaon::randn({16, 1})).requires_grad_();
  auto b2 = kaon::zeros({1}).requires_grad_();
  const auto x = kaon::linspace(-1, 1, 32).reshape({-1, 1});
  const auto y = kaon::sin(3.0f * x);
  const float first = mlp_step(w1, b1, w2, b2, x, y);
  const auto storages = kaon::autograd::live_storages();
  const auto nodes = kaon::autograd::live_nodes();
  float last = first;
  for (int step = 1; step < 100000; ++step) {
    last = mlp_step(w1, b1, w2, b2, x, y);
    if (step % 10000 == 0) {
      INFO("step " << step);
      REQUIRE(kaon::autograd::live_storages() == storages);
      REQUIRE(kaon::autograd::live_nodes() == nodes);
    }
  }
  CHECK(kaon::autograd::live_storages() == storages);
  CHECK(kaon::autograd::live_nodes() == nodes);
  CHECK(nodes == 0);
  CHECK(last < first);
}

TEST_CASE("In-place updates from an operand that requires grad are refused while recording",
          "[autograd][errors]") {
  auto w = kaon::ones({3}).requires_grad_();
  auto acc = kaon::zeros({3});
  REQUIRE_THROWS_WITH(acc += w * 2.0f, Contains("add_") && Contains("out-of-place"));
  REQUIRE_THROWS_WITH(acc.copy_(w), Contains("copy_") && Contains("requires grad"));
  acc = acc + w * 2.0f;  // the out-of-place form is recorded
  acc.sum().backward();
  CHECK(w.grad().to_vector() == std::vector<float>{2, 2, 2});
  kaon::NoGradGuard no_grad;
  acc += w;  // allowed when nothing is recorded
}
