// SPDX-License-Identifier: MIT
// Every tensor op on kaon::cuda against the CPU result on the same inputs: element-wise math with
// broadcasting and strided views, reductions (full and per dim), matrix products, indexing,
// joins, factories, random numbers under manual_seed, copies and casts.
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "cuda/cuda_test.hpp"

using kaon::Tensor;
using kaon_cuda_test::randn;
using kaon_cuda_test::same_on_both;
using kaon_cuda_test::Tol;

namespace {
const Tol kFloat{2e-6, 1e-6};
const Tol kExact{0, 0};
}  // namespace

TEST_CASE("Unary math on cuda equals the CPU's", "[cuda][ops]") {
  const auto x = randn({7, 33}), pos = kaon::abs(randn({7, 33}, 2)) + 0.1f;
  const auto xd = randn<double>({5, 9});
  same_on_both([](const auto& a) { return -a; }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::abs(a); }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::exp(a); }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::log(a); }, kFloat, pos);
  same_on_both([](const auto& a) { return kaon::sqrt(a); }, kFloat, pos);
  same_on_both([](const auto& a) { return kaon::sin(a); }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::cos(a); }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::tan(a); }, Tol{1e-5, 1e-5}, x);
  same_on_both([](const auto& a) { return kaon::tanh(a); }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::sigmoid(a); }, kFloat, x);
  same_on_both([](const auto& a) { return kaon::relu(a); }, kExact, x);
  same_on_both([](const auto& a) { return kaon::round(a * 3); }, kExact, x);
  same_on_both([](const auto& a) { return kaon::clamp(a, -0.5, 0.7); }, kExact, x);
  same_on_both([](const auto& a) { return a.clamp_min(0.1).clamp_max(0.4); }, kExact, x);
  same_on_both([](const auto& a) { return kaon::exp(kaon::sin(a) * a); }, Tol{1e-12, 1e-14}, xd);
  same_on_both([](const auto& a) { return kaon::log(a); }, kFloat,
               Tensor<float>(kaon::tensor({0.f, -1.f, 1.f})));
}

TEST_CASE("Binary ops with broadcasting, scalars and strided views agree", "[cuda][ops]") {
  const auto a = randn({4, 1, 5}), b = randn({3, 1}, 2), m = randn({6, 8}, 3);
  const auto i = kaon::arange<std::int64_t>(0, 12).reshape({3, 4});
  same_on_both([](const auto& p, const auto& q) { return p + q; }, kFloat, a, b);
  same_on_both([](const auto& p, const auto& q) { return p - q * 2; }, kFloat, a, b);
  same_on_both([](const auto& p, const auto& q) { return (p * q) / (q * q + 1); }, kFloat, a, b);
  same_on_both([](const auto& p, const auto& q) { return kaon::pow(kaon::abs(p), q); },
               Tol{1e-5, 1e-6}, a, b);
  same_on_both([](const auto& p) { return 2.5 - p; }, kFloat, a);
  same_on_both([](const auto& p) { return p.t() + p.t(); }, kFloat, m);
  same_on_both([](const auto& p) { return p.t() * p.slice(0, 0, 6).t(); }, kFloat, m);
  same_on_both([](const auto& p) { return p.transpose(0, 1).slice(0, 1, 7, 2) + 1; }, kFloat, m);
  same_on_both([](const auto& p, const auto& q) { return kaon::maximum(p, q); }, kExact, a, b);
  same_on_both([](const auto& p, const auto& q) { return kaon::minimum(p, q); }, kExact, a, b);
  same_on_both([](const auto& p, const auto& q) { return p > q; }, kExact, a, b);
  same_on_both([](const auto& p, const auto& q) { return (p <= q) != (p == q); }, kExact, a, b);
  same_on_both([](const auto& p) { return kaon::where(p > 0, p, p * 0.1); }, kFloat, a);
  same_on_both([](const auto& p, const auto& q) { return kaon::where(q > 0, p, q); }, kFloat, a, b);
  same_on_both([](const auto& k) { return k * 3 + k % 5 - k / 2; }, kExact, i);
  same_on_both([](const auto& k) { return kaon::pow(k, 2) + (k > 4); }, kExact, i);
  same_on_both([](const auto& k) { return k.template to<double>() / 4; }, kExact, i);
  same_on_both(
      [](const auto& p) {
        return (p > 0).template to<float>() + p.template to<double>().template to<float>();
      },
      kExact, a);
}

TEST_CASE("Full and per-dim reductions agree, through CUB", "[cuda][ops][reduce]") {
  const auto x = randn({6, 7, 5}), big = randn({1000, 37}, 4);
  same_on_both([](const auto& p) { return p.sum(); }, Tol{1e-5, 1e-5}, x);
  same_on_both([](const auto& p) { return p.sum(); }, Tol{1e-5, 1e-4}, big);
  same_on_both([](const auto& p) { return p.mean(); }, kFloat, big);
  same_on_both([](const auto& p) { return p.sum(0); }, Tol{1e-5, 1e-5}, big);
  same_on_both([](const auto& p) { return p.sum(1, true); }, Tol{1e-5, 1e-5}, big);
  same_on_both([](const auto& p) { return p.sum(1); }, Tol{1e-5, 1e-6}, x);
  same_on_both([](const auto& p) { return p.mean(-1); }, kFloat, x);
  same_on_both([](const auto& p) { return p.prod(1); }, Tol{1e-5, 1e-6}, x);
  same_on_both([](const auto& p) { return p.var(0); }, Tol{1e-5, 1e-6}, x);
  same_on_both([](const auto& p) { return p.std(); }, Tol{1e-5, 1e-6}, big);
  same_on_both([](const auto& p) { return p.norm(2, 1); }, Tol{1e-5, 1e-6}, x);
  same_on_both([](const auto& p) { return p.max(); }, kExact, big);
  same_on_both([](const auto& p) { return p.min(); }, kExact, x);
  same_on_both([](const auto& p) { return p.max(1); }, kExact, x);
  same_on_both([](const auto& p) { return p.min(0, true); }, kExact, big);
  same_on_both([](const auto& p) { return p.argmax(); }, kExact, big);
  same_on_both([](const auto& p) { return p.argmin(2); }, kExact, x);
  same_on_both([](const auto& p) { return (p > 0).all(1); }, kExact, x);
  same_on_both([](const auto& p) { return (p > 2).any(0); }, kExact, big);
  same_on_both([](const auto& p) { return (p > 0).sum(); }, kExact, big);
  same_on_both([](const auto& p) { return p.slice(0, 0, 0).sum(0); }, kExact, big);
  same_on_both([](const auto& p) { return p.template to<double>().sum(0); }, Tol{1e-12, 1e-12},
               big);
}

TEST_CASE("Arg-reductions of few long slices keep the first of equal values and the first NaN",
          "[cuda][ops][reduce]") {
  // 300,000 values in (-1, 1) with two equal largest values far apart (CUB folds the slice in
  // many pieces), and a copy with two NaNs after them.
  const std::int64_t n = 300'000;
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = std::sin(0.37f * i);
  v[1234] = v[250'000] = 4.0f;
  auto w = v;
  w[200'000] = w[290'000] = std::numeric_limits<float>::quiet_NaN();
  for (const auto& x : {kaon::from_vector(v, {n}), kaon::from_vector(w, {n})}) {
    same_on_both([](const auto& p) { return p.argmax(); }, kExact, x);
    same_on_both([](const auto& p) { return p.max(); }, kExact, x);
    same_on_both([](const auto& p) { return (-p).argmin(); }, kExact, x);
    same_on_both([](const auto& p) { return p.reshape({3, n / 3}).max(1); }, kExact, x);
    same_on_both([](const auto& p) { return p.reshape({n / 3, 3}).argmax(0); }, kExact, x);
    same_on_both([](const auto& p) { return p.reshape({n / 300, 300}).min(0); }, kExact, x);
  }
  same_on_both([](const auto& p) { return p.argmax(0); }, kExact, kaon::ones<float>({1000, 300}));
  same_on_both([](const auto& p) { return p.argmin(); }, kExact,
               kaon::arange<std::int64_t>(0, n) % 1000);
}

TEST_CASE("Matrix products agree, through cuBLAS, for every layout and batch",
          "[cuda][ops][matmul]") {
  const auto a = randn({5, 7}), b = randn({7, 3}, 2), v = randn({7}, 3);
  const auto ba = randn({4, 5, 7}, 5), bb = randn({4, 7, 3}, 6), shared = randn({7, 3}, 7);
  const Tol tol{1e-5, 1e-5};
  same_on_both([](const auto& p, const auto& q) { return kaon::mm(p, q); }, tol, a, b);
  same_on_both([](const auto& p, const auto& q) { return kaon::mm(q.t(), p.t()); }, tol, a, b);
  same_on_both([](const auto& p, const auto& q) { return kaon::matmul(p, q); }, tol, a, v);
  same_on_both([](const auto& p, const auto& q) { return kaon::matmul(q, p.t()); }, tol, a, v);
  same_on_both([](const auto& p) { return kaon::matmul(p, p); }, tol, v);
  same_on_both([](const auto& p, const auto& q) { return kaon::matmul(p, q); }, tol, ba, bb);
  same_on_both([](const auto& p, const auto& q) { return kaon::matmul(p, q); }, tol, ba, shared);
  same_on_both([](const auto& p,
                  const auto& q) { return kaon::matmul(p.transpose(1, 2), q.transpose(1, 2)); },
               tol, bb, ba);
  same_on_both([](const auto& p, const auto& q) { return kaon::matmul(p.slice(1, 0, 4), q); }, tol,
               ba.transpose(0, 1).contiguous().transpose(0, 1), bb);
  same_on_both(
      [](const auto& p, const auto& q) { return kaon::mm(p.slice(1, 0, 0), q.slice(0, 0, 0)); },
      kExact, a, b);
  same_on_both([](const auto& p, const auto& q) { return kaon::mm(p, q); }, Tol{1e-12, 1e-12},
               a.to<double>(), b.to<double>());
  same_on_both([](const auto& p, const auto& q) { return kaon::matmul(p, q); }, kExact,
               kaon::arange<std::int64_t>(0, 12).reshape({3, 4}),
               kaon::arange<std::int64_t>(0, 8).reshape({4, 2}));
  same_on_both(
      [](const auto& p, const auto& q) { return kaon::mm(p.slice(1, 0, 1), q.slice(0, 0, 1)); },
      tol, a, b);
}

TEST_CASE("Indexing, joins and views agree", "[cuda][ops][index]") {
  const auto x = randn({6, 4}), y = randn({2, 4}, 2);
  const auto idx = kaon::tensor<std::int64_t>({4, 0, 4, 2});
  const auto gidx = kaon::tensor<std::int64_t>({{0, 1, 1, 0}, {2, 2, 0, 1}});
  same_on_both([](const auto& p, const auto& i) { return kaon::index_select(p, 0, i); }, kExact, x,
               idx);
  // An index with a storage offset: {3, 1}, a slice of a block, into dim 1 (size 4).
  same_on_both(
      [](const auto& p, const auto& i) { return kaon::index_select(p, 1, i.slice(0, 1, 3)); },
      kExact, x, kaon::tensor<std::int64_t>({7, 3, 1, 7}));
  same_on_both([](const auto& p, const auto& i) { return kaon::gather(p, 0, i); }, kExact, x, gidx);
  same_on_both([](const auto& p) { return kaon::masked_select(p, p > 0); }, kExact, x);
  same_on_both([](const auto& p) { return p[p.sum(1) > 0]; }, kExact, x);
  same_on_both([](const auto& p, const auto& q) { return kaon::cat({p, q, p}, 0); }, kExact, x, y);
  same_on_both(
      [](const auto& p, const auto& q) {
        return kaon::stack({p.slice(0, 0, 2), q}, 1);
      },
      kExact, x, y);
  same_on_both(
      [](const auto& p) {
        return p.reshape({2, 12}).permute({1, 0}).contiguous();
      },
      kExact, x);
  same_on_both([](const auto& p) { return p.unsqueeze(1).expand({6, 3, 4}).clone(); }, kExact, x);
  same_on_both([](const auto& p) { return p[2]; }, kExact, x);
  same_on_both([](const auto& p) { return kaon::histc(p, 7, -2, 2); }, kExact, x);
}

TEST_CASE("Factories, in-place updates and device copies agree", "[cuda][ops][factory]") {
  using kaon::cpu;
  using kaon::cuda;
  const auto check = [](const auto& e, const auto& g, Tol t) {
    kaon_cuda_test::check_same(e, g, t);
  };
  check(kaon::arange<float, cpu>(-3, 7, 0.5), kaon::arange<float, cuda>(-3, 7, 0.5), kExact);
  check(kaon::linspace<float, cpu>(-1, 2, 17), kaon::linspace<float, cuda>(-1, 2, 17), kExact);
  check(kaon::eye<double, cpu>(3, 5), kaon::eye<double, cuda>(3, 5), kExact);
  check(kaon::full<float, cpu>({2, 3}, 1.5f), kaon::full<float, cuda>({2, 3}, 1.5f), kExact);
  check(kaon::zeros<std::int64_t, cpu>({4}), kaon::zeros<std::int64_t, cuda>({4}), kExact);
  const auto x = randn({5, 6});
  same_on_both(
      [](auto p) {
        p = p.clone();
        p.slice(1, 1, 4).fill_(2.f);
        return p;
      },
      kExact, x);
  same_on_both(
      [](auto p) {
        p = p.clone();
        p.t().copy_(p.t() * 2);
        p += 1;
        return p;
      },
      kExact, x);
  REQUIRE(x.to<cuda>().to<cpu>().to_vector() == x.to_vector());
  REQUIRE(x.t().to<cuda>().to_vector() == x.t().contiguous().to_vector());
  REQUIRE(x.to<cuda>().sum().item() == Approx(x.sum().item()).epsilon(1e-5));
  REQUIRE(Tensor<float, cuda>({0, 3}).to<cpu>().numel() == 0);
  STATIC_REQUIRE(Tensor<float, cuda>::is_cuda());
  CHECK(std::string(x.to<cuda>().device()) == "cuda:0");
  std::ostringstream printed;  // PyTorch: tensor([1., 1.], device='cuda:0')
  printed << kaon::ones<float, cuda>({2});
  CHECK(printed.str() == "tensor([1., 1.], device='cuda:0')");
}

TEST_CASE("Random numbers on cuda follow manual_seed and equal the CPU's draws", "[cuda][random]") {
  using kaon::cpu;
  using kaon::cuda;
  const auto draw = [](auto device_tag) {
    using D = decltype(device_tag);
    kaon::manual_seed(42);
    std::vector<Tensor<float, D>> out{
        kaon::rand<float, D>({300}), kaon::randn<float, D>({301}),
        kaon::randint<std::int64_t, D>(-5, 9, {50}).template to<float>()};
    return out;
  };
  kaon_cuda_test::check_same(draw(cpu{}), draw(cuda{}), Tol{1e-5, 1e-5});
  kaon::manual_seed(7);
  const auto first = kaon::randn<float, cuda>({64}).to_vector();
  kaon::manual_seed(7);
  REQUIRE(kaon::randn<float, cuda>({64}).to_vector() == first);
  kaon::manual_seed(3);
  const auto p = kaon::randperm<std::int64_t, cuda>(20).to_vector();
  kaon::manual_seed(3);
  REQUIRE(kaon::randperm<std::int64_t, cpu>(20).to_vector() == p);
}
