// SPDX-License-Identifier: MIT
// Loss functions and loss modules: values and input gradients for each reduction vs PyTorch's.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <kaon/kaon.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reference/nn_reference.hpp"
#include "support/compare.hpp"

namespace nn = kaon::nn;
namespace F = kaon::nn::functional;
namespace nn_ref = kaon_ref::nn;
using Catch::Matchers::Contains;
using kaon::Tensor;
using kaon_ref::Ref;
using kaon_test::from_ref;
using nn::Reduction;

namespace {

// |got - expected| <= rel |expected| + abs for every element, with shape and dtype checked.
void check_close(const Tensor<double>& t, const Ref& r, double rel, double abs = 0) {
  INFO("kaon shape " << t.shape() << ", reference shape " << kaon_test::shape_of(r));
  REQUIRE(t.shape() == kaon_test::shape_of(r));
  REQUIRE(std::string(t.dtype_name()) == r.dtype);
  const auto got = t.to_vector();
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << ": got " << got[i] << ", expected " << r.values[i]);
    REQUIRE(std::fabs(got[i] - r.values[i]) <= rel * std::fabs(r.values[i]) + abs);
  }
}

// Every loss here is double, compared at 1e-12 relative: the formulas are PyTorch's, so only
// rounding differs (a few ulp).
constexpr double kRel = 1e-12;

using LossFn = std::function<Tensor<double>(const Tensor<double>&)>;

// Checks fn(value_input) against `value` and the gradient of fn(grad_input).sum() against `grad`.
void check_loss(const LossFn& fn, const Ref& value_input, const Ref& value, const Ref& grad_input,
                const Ref& grad, double abs = 0) {
  {
    INFO("value");
    check_close(fn(from_ref<double>(value_input)).detach(), value, kRel, abs);
  }
  INFO("gradient");
  auto x = from_ref<double>(grad_input).requires_grad_();
  const auto loss = fn(x);
  CHECK(loss.requires_grad());
  loss.sum().backward();
  check_close(x.grad(), grad, kRel, abs);
}
void check_loss(const LossFn& fn, const Ref& input, const Ref& value, const Ref& grad,
                double abs = 0) {
  check_loss(fn, input, value, input, grad, abs);
}

struct ReductionCase {
  Reduction reduction;
  const Ref& value;
  const Ref& grad;
};

}  // namespace

TEST_CASE("mse_loss and MSELoss match PyTorch for every reduction", "[nn][loss]") {
  const auto target = from_ref<double>(nn_ref::loss_target);
  for (const auto& c : {ReductionCase{Reduction::Mean, nn_ref::mse_mean, nn_ref::mse_mean_grad},
                        ReductionCase{Reduction::Sum, nn_ref::mse_sum, nn_ref::mse_sum_grad},
                        ReductionCase{Reduction::None, nn_ref::mse_none, nn_ref::mse_none_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::mse_loss(x, target, c.reduction); },
               nn_ref::loss_input, c.value, c.grad);
    const nn::MSELoss<double> module(c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::loss_input, c.value,
               c.grad);
  }
  CHECK(F::mse_loss(from_ref<double>(nn_ref::loss_input), target).item() ==
        Approx(nn_ref::mse_mean.values[0]).epsilon(kRel));  // Mean by default
}

TEST_CASE("mse_loss's target gradient and a penalty on its input gradient match PyTorch",
          "[nn][loss]") {
  const auto input = from_ref<double>(nn_ref::loss_input);
  for (const auto& c :
       {ReductionCase{Reduction::Mean, nn_ref::mse_mean, nn_ref::mse_mean_target_grad},
        ReductionCase{Reduction::Sum, nn_ref::mse_sum, nn_ref::mse_sum_target_grad},
        ReductionCase{Reduction::None, nn_ref::mse_none, nn_ref::mse_none_target_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    auto t = from_ref<double>(nn_ref::loss_target).requires_grad_();
    const auto loss = F::mse_loss(input, t, c.reduction);
    CHECK(std::string(loss.grad_fn()->name()) == "MseLossBackward0");
    check_close(loss.detach(), c.value, kRel, 0);
    loss.sum().backward();
    check_close(t.grad(), c.grad, kRel, 0);
  }
  // The penalty differentiates mse_loss's backward (recorded under create_graph).
  auto x = from_ref<double>(nn_ref::loss_input).requires_grad_();
  auto t = from_ref<double>(nn_ref::loss_target).requires_grad_();
  const auto gx = kaon::autograd::grad<double, kaon::cpu>({F::mse_loss(x * x, t)}, {x}, {},
                                                          std::nullopt, true)[0];
  check_close(gx.detach(), nn_ref::mse_penalty_gx, kRel, 0);
  kaon::pow(gx, 2).sum().backward();
  check_close(x.grad(), nn_ref::mse_penalty_x_grad, kRel, 0);
  check_close(t.grad(), nn_ref::mse_penalty_target_grad, kRel, 0);
}

TEST_CASE("l1_loss and L1Loss match PyTorch for every reduction", "[nn][loss]") {
  const auto target = from_ref<double>(nn_ref::loss_target);
  for (const auto& c : {ReductionCase{Reduction::Mean, nn_ref::l1_mean, nn_ref::l1_mean_grad},
                        ReductionCase{Reduction::Sum, nn_ref::l1_sum, nn_ref::l1_sum_grad},
                        ReductionCase{Reduction::None, nn_ref::l1_none, nn_ref::l1_none_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::l1_loss(x, target, c.reduction); },
               nn_ref::loss_input, c.value, c.grad);
    const nn::L1Loss<double> module(c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::loss_input, c.value,
               c.grad);
  }
}

TEST_CASE("smooth_l1_loss and SmoothL1Loss match PyTorch for beta 1 and 0.5", "[nn][loss]") {
  const auto target = from_ref<double>(nn_ref::loss_target);
  for (const auto& c :
       {ReductionCase{Reduction::Mean, nn_ref::smoothl1_mean, nn_ref::smoothl1_mean_grad},
        ReductionCase{Reduction::Sum, nn_ref::smoothl1_sum, nn_ref::smoothl1_sum_grad},
        ReductionCase{Reduction::None, nn_ref::smoothl1_none, nn_ref::smoothl1_none_grad}}) {
    INFO("beta 1, reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::smooth_l1_loss(x, target, c.reduction); },
               nn_ref::loss_input, c.value, c.grad);
    const nn::SmoothL1Loss<double> module(c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::loss_input, c.value,
               c.grad);
  }
  for (const auto& c :
       {ReductionCase{Reduction::Mean, nn_ref::smoothl1_b05_mean, nn_ref::smoothl1_b05_mean_grad},
        ReductionCase{Reduction::Sum, nn_ref::smoothl1_b05_sum, nn_ref::smoothl1_b05_sum_grad},
        ReductionCase{Reduction::None, nn_ref::smoothl1_b05_none,
                      nn_ref::smoothl1_b05_none_grad}}) {
    INFO("beta 0.5, reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::smooth_l1_loss(x, target, c.reduction, 0.5); },
               nn_ref::loss_input, c.value, c.grad);
    const nn::SmoothL1Loss<double> module(c.reduction, 0.5);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::loss_input, c.value,
               c.grad);
  }
  // beta = 0 is the L1 loss, as in PyTorch.
  check_loss([&](const auto& x) { return F::smooth_l1_loss(x, target, Reduction::Sum, 0.0); },
             nn_ref::loss_input, nn_ref::l1_sum, nn_ref::l1_sum_grad);
  REQUIRE_THROWS_AS(F::smooth_l1_loss(target, target, Reduction::Mean, -1.0), kaon::ValueError);
}

TEST_CASE("binary_cross_entropy and BCELoss match PyTorch, with the log clamped at -100",
          "[nn][loss]") {
  // Values on bce_prob, which holds exact 0 and 1 (log clamped to -100, so the loss is 100 there);
  // gradients on bce_prob_open, the same probabilities moved inside (0, 1).
  const auto target = from_ref<double>(nn_ref::bce_target);
  for (const auto& c : {ReductionCase{Reduction::Mean, nn_ref::bce_mean, nn_ref::bce_mean_grad},
                        ReductionCase{Reduction::Sum, nn_ref::bce_sum, nn_ref::bce_sum_grad},
                        ReductionCase{Reduction::None, nn_ref::bce_none, nn_ref::bce_none_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::binary_cross_entropy(x, target, {}, c.reduction); },
               nn_ref::bce_prob, c.value, nn_ref::bce_prob_open, c.grad);
    const nn::BCELoss<double> module({}, c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::bce_prob, c.value,
               nn_ref::bce_prob_open, c.grad);
  }
  const auto weight = from_ref<double>(nn_ref::bce_weight);
  check_loss([&](const auto& x) { return F::binary_cross_entropy(x, target, weight); },
             nn_ref::bce_prob, nn_ref::bce_weighted_mean, nn_ref::bce_prob_open,
             nn_ref::bce_weighted_mean_grad);
  const nn::BCELoss<double> weighted(weight);
  check_loss([&](const auto& x) { return weighted(x, target); }, nn_ref::bce_prob,
             nn_ref::bce_weighted_mean, nn_ref::bce_prob_open, nn_ref::bce_weighted_mean_grad);
}

TEST_CASE("binary_cross_entropy's gradient at probabilities 0 and 1 is finite", "[nn][loss]") {
  // PyTorch 1.13 divides by max(p (1 - p), EPSILON) with EPSILON the float32 constant 1e-12f
  // (9.9999999960e-13 as a double), so where the target disagrees with an exact 0 or 1 it gives
  // +-1/float(1e-12) = +-1000000003995.8; kaon uses the same constant.
  auto x = from_ref<double>(nn_ref::bce_prob).requires_grad_();
  F::binary_cross_entropy(x, from_ref<double>(nn_ref::bce_target), {}, Reduction::Sum).backward();
  const auto g = x.grad().to_vector();
  const auto& e = nn_ref::bce_sum_grad_edges.values;
  REQUIRE(g.size() == e.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", expected " << e[i]);
    CHECK(std::isfinite(g[i]));
    CHECK(std::fabs(g[i] - e[i]) <= kRel * std::fabs(e[i]));
  }
}

TEST_CASE("binary_cross_entropy_with_logits and BCEWithLogitsLoss match PyTorch at logits +-50",
          "[nn][loss]") {
  // At +-50 PyTorch's gradient sigmoid(x) - t and kaon's (1 - t) - sigmoid(-x) differ by
  // sigmoid(-50) = 1.9e-22 (one is exactly 0, the other 1.9e-22), so the comparison adds an
  // absolute 1e-15 to the 1e-12 relative tolerance.
  constexpr double abs = 1e-15;
  const auto target = from_ref<double>(nn_ref::bcel_target);
  for (const auto& c :
       {ReductionCase{Reduction::Mean, nn_ref::bcel_mean, nn_ref::bcel_mean_grad},
        ReductionCase{Reduction::Sum, nn_ref::bcel_sum, nn_ref::bcel_sum_grad},
        ReductionCase{Reduction::None, nn_ref::bcel_none, nn_ref::bcel_none_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    check_loss(
        [&](const auto& x) {
          return F::binary_cross_entropy_with_logits(x, target, {}, {}, c.reduction);
        },
        nn_ref::bcel_logits, c.value, c.grad, abs);
    const nn::BCEWithLogitsLoss<double> module({}, c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::bcel_logits, c.value,
               c.grad, abs);
  }
  const auto pos_weight = from_ref<double>(nn_ref::bcel_pos_weight);
  check_loss(
      [&](const auto& x) { return F::binary_cross_entropy_with_logits(x, target, {}, pos_weight); },
      nn_ref::bcel_logits, nn_ref::bcel_posw_mean, nn_ref::bcel_posw_mean_grad, abs);
  const nn::BCEWithLogitsLoss<double> module({}, Reduction::Mean, pos_weight);
  check_loss([&](const auto& x) { return module(x, target); }, nn_ref::bcel_logits,
             nn_ref::bcel_posw_mean, nn_ref::bcel_posw_mean_grad, abs);
}

TEST_CASE("cross_entropy and CrossEntropyLoss match PyTorch for class and probability targets",
          "[nn][loss]") {
  const auto target = from_ref<std::int64_t>(nn_ref::ce_target);
  for (const auto& c : {ReductionCase{Reduction::Mean, nn_ref::ce_mean, nn_ref::ce_mean_grad},
                        ReductionCase{Reduction::Sum, nn_ref::ce_sum, nn_ref::ce_sum_grad},
                        ReductionCase{Reduction::None, nn_ref::ce_none, nn_ref::ce_none_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::cross_entropy(x, target, {}, c.reduction); },
               nn_ref::ce_logits, c.value, c.grad);
    const nn::CrossEntropyLoss<double> module({}, c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::ce_logits, c.value,
               c.grad);
  }
  const auto weight = from_ref<double>(nn_ref::ce_weight);
  {
    INFO("class weights");
    check_loss([&](const auto& x) { return F::cross_entropy(x, target, weight); },
               nn_ref::ce_logits, nn_ref::ce_weighted_mean, nn_ref::ce_weighted_mean_grad);
    const nn::CrossEntropyLoss<double> module(weight);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::ce_logits,
               nn_ref::ce_weighted_mean, nn_ref::ce_weighted_mean_grad);
  }
  {
    INFO("probability targets");
    const auto probs = from_ref<double>(nn_ref::ce_prob_target);
    check_loss([&](const auto& x) { return F::cross_entropy(x, probs); }, nn_ref::ce_logits,
               nn_ref::ce_prob_mean, nn_ref::ce_prob_mean_grad);
    const nn::CrossEntropyLoss<double> module;
    check_loss([&](const auto& x) { return module(x, probs); }, nn_ref::ce_logits,
               nn_ref::ce_prob_mean, nn_ref::ce_prob_mean_grad);
  }
}

TEST_CASE("nll_loss and NLLLoss match PyTorch, with class weights in the mean", "[nn][loss]") {
  const auto target = from_ref<std::int64_t>(nn_ref::ce_target);
  // nll_input is log_softmax(ce_logits) as PyTorch computed it; kaon's agrees.
  kaon_test::check_matches(F::log_softmax(from_ref<double>(nn_ref::ce_logits), 1),
                           nn_ref::nll_input, 1e-15);
  for (const auto& c : {ReductionCase{Reduction::Mean, nn_ref::nll_mean, nn_ref::nll_mean_grad},
                        ReductionCase{Reduction::Sum, nn_ref::nll_sum, nn_ref::nll_sum_grad},
                        ReductionCase{Reduction::None, nn_ref::nll_none, nn_ref::nll_none_grad}}) {
    INFO("reduction " << nn::reduction_name(c.reduction));
    check_loss([&](const auto& x) { return F::nll_loss(x, target, {}, c.reduction); },
               nn_ref::nll_input, c.value, c.grad);
    const nn::NLLLoss<double> module({}, c.reduction);
    check_loss([&](const auto& x) { return module(x, target); }, nn_ref::nll_input, c.value,
               c.grad);
  }
  const auto weight = from_ref<double>(nn_ref::ce_weight);
  check_loss([&](const auto& x) { return F::nll_loss(x, target, weight); }, nn_ref::nll_input,
             nn_ref::nll_weighted_mean, nn_ref::nll_weighted_mean_grad);
  const nn::NLLLoss<double> module(weight);
  check_loss([&](const auto& x) { return module(x, target); }, nn_ref::nll_input,
             nn_ref::nll_weighted_mean, nn_ref::nll_weighted_mean_grad);
}

TEST_CASE("Losses reject inputs and targets of different shapes, naming the loss and both shapes",
          "[nn][loss]") {
  const auto a = kaon::zeros<double>({2, 3});
  const auto b = kaon::full<double>({3, 2}, 0.5);
  REQUIRE_THROWS_AS(F::mse_loss(a, b), kaon::ShapeError);
  REQUIRE_THROWS_WITH(F::mse_loss(a, b),
                      Contains("mse_loss") && Contains("[2, 3]") && Contains("[3, 2]"));
  REQUIRE_THROWS_WITH(F::l1_loss(a, b),
                      Contains("l1_loss") && Contains("[2, 3]") && Contains("[3, 2]"));
  REQUIRE_THROWS_WITH(F::smooth_l1_loss(a, b),
                      Contains("smooth_l1_loss") && Contains("[2, 3]") && Contains("[3, 2]"));
  REQUIRE_THROWS_WITH(F::binary_cross_entropy(a, b),
                      Contains("binary_cross_entropy") && Contains("[2, 3]") && Contains("[3, 2]"));
  REQUIRE_THROWS_WITH(
      F::binary_cross_entropy_with_logits(a, b),
      Contains("binary_cross_entropy_with_logits") && Contains("[2, 3]") && Contains("[3, 2]"));
  REQUIRE_THROWS_WITH(F::cross_entropy(a, b),
                      Contains("cross_entropy") && Contains("[2, 3]") && Contains("[3, 2]"));
  REQUIRE_THROWS_AS(nn::MSELoss<double>()(a, b), kaon::ShapeError);
  REQUIRE_THROWS_AS(nn::BCELoss<double>()(a, b), kaon::ShapeError);
  REQUIRE_THROWS_AS(nn::BCEWithLogitsLoss<double>()(a, b), kaon::ShapeError);
  REQUIRE_THROWS_AS(nn::CrossEntropyLoss<double>()(a, b), kaon::ShapeError);
  // Shapes that would broadcast are refused as well (PyTorch warns, then broadcasts).
  REQUIRE_THROWS_AS(F::mse_loss(kaon::zeros<double>({2, 1}), a), kaon::ShapeError);

  // Class targets: input [N, C] with target [N].
  const auto logits = from_ref<double>(nn_ref::ce_logits);
  const auto three = kaon::tensor<std::int64_t>({0, 1, 2});
  REQUIRE_THROWS_AS(F::nll_loss(logits, three), kaon::ShapeError);
  REQUIRE_THROWS_WITH(F::nll_loss(logits, three),
                      Contains("nll_loss") && Contains("[4, 3]") && Contains("[3]"));
  REQUIRE_THROWS_AS(F::cross_entropy(logits, three), kaon::ShapeError);
  REQUIRE_THROWS_AS(F::nll_loss(logits.reshape({12}), kaon::tensor<std::int64_t>({0})),
                    kaon::ShapeError);
}

TEST_CASE("Class indices below 0 or at least C are an IndexError", "[nn][loss]") {
  const auto logits = from_ref<double>(nn_ref::ce_logits);
  const auto high = kaon::tensor<std::int64_t>({0, 3, 1, 2});
  const auto negative = kaon::tensor<std::int64_t>({0, -1, 1, 2});
  REQUIRE_THROWS_AS(F::nll_loss(logits, high), kaon::IndexError);
  REQUIRE_THROWS_WITH(F::nll_loss(logits, high), Contains("nll_loss") && Contains("3 classes"));
  REQUIRE_THROWS_AS(F::nll_loss(logits, negative), kaon::IndexError);
  REQUIRE_THROWS_AS(F::cross_entropy(logits, high), kaon::IndexError);
  REQUIRE_THROWS_AS(F::cross_entropy(logits, negative), kaon::IndexError);
  REQUIRE_THROWS_AS(nn::CrossEntropyLoss<double>()(logits, high), kaon::IndexError);
  REQUIRE_THROWS_AS(nn::NLLLoss<double>()(logits, high), kaon::IndexError);
}

TEST_CASE("A weight of the wrong shape is a ShapeError", "[nn][loss]") {
  const auto logits = from_ref<double>(nn_ref::ce_logits);
  const auto target = from_ref<std::int64_t>(nn_ref::ce_target);
  const auto two = kaon::tensor<double>({1.0, 2.0});
  REQUIRE_THROWS_AS(F::nll_loss(logits, target, two), kaon::ShapeError);
  REQUIRE_THROWS_WITH(F::nll_loss(logits, target, two),
                      Contains("nll_loss") && Contains("weight") && Contains("[2]"));
  // One weight per class, but not as a vector: PyTorch refuses it too.
  const auto row = kaon::ones<double>({1, logits.size(1)});
  REQUIRE_THROWS_WITH(F::nll_loss(logits, target, row),
                      Contains("nll_loss") && Contains("weight") && Contains("[1, 3]"));
  REQUIRE_THROWS_AS(F::cross_entropy(logits, target, two), kaon::ShapeError);
  REQUIRE_THROWS_AS(F::cross_entropy(logits, from_ref<double>(nn_ref::ce_prob_target), two),
                    kaon::ShapeError);
  REQUIRE_THROWS_AS(nn::CrossEntropyLoss<double>(two)(logits, target), kaon::ShapeError);
  const auto p = from_ref<double>(nn_ref::bce_prob_open), t = from_ref<double>(nn_ref::bce_target);
  const auto four = kaon::ones<double>({4});
  REQUIRE_THROWS_AS(F::binary_cross_entropy(p, t, four), kaon::ShapeError);
  REQUIRE_THROWS_AS(F::binary_cross_entropy_with_logits(p, t, four), kaon::ShapeError);
  REQUIRE_THROWS_AS(F::binary_cross_entropy_with_logits(p, t, {}, four), kaon::ShapeError);
}

TEST_CASE("Loss modules keep their reduction and weights", "[nn][loss]") {
  const nn::CrossEntropyLoss<double> ce(kaon::tensor<double>({1.0, 2.0, 3.0}), Reduction::Sum);
  CHECK(ce.reduction == Reduction::Sum);
  CHECK(ce.weight.shape() == kaon::Shape{3});
  CHECK(ce.parameters().empty());
  CHECK(nn::MSELoss().reduction == Reduction::Mean);
  CHECK(nn::SmoothL1Loss<double>(Reduction::None, 0.25).beta == 0.25);
  CHECK(std::string(nn::reduction_name(Reduction::None)) == "none");
}
