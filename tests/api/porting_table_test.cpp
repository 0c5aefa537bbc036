// SPDX-License-Identifier: MIT
// docs/porting.md's kaon column, written out: every code span of that column appears here
// verbatim (tests/cmake/check_porting_table.cmake checks it), in small cases by area, with a few
// checks of shapes and values so that each spelling is run, not only compiled.
#include <algorithm>
#include <any>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <kaon/kaon.hpp>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

namespace porting_table_test {

/// The LibTorch way of writing a model: a module with a parameter, a buffer and a submodule.
struct Net : kaon::f32::nn::Module {
  Net() : kaon::f32::nn::Module("Net") {
    w = register_parameter("w", kaon::zeros({2}));
    b = register_buffer("b", kaon::ones({2}));
    fc = register_module("fc", std::make_shared<kaon::f32::nn::Linear>(2, 1));
  }
  kaon::f32::Tensor forward(const kaon::f32::Tensor& x) const { return fc->forward(x * w + b); }
  kaon::f32::Tensor w, b;
  std::shared_ptr<kaon::f32::nn::Linear> fc;
};

/// A custom op with a hand-written backward: y = x^3.
struct Cube : kaon::autograd::Function<Cube> {
  static constexpr const char* name = "CubeBackward";
  template <class T, class D>
  static kaon::Tensor<T, D> forward(kaon::autograd::Context<D>& ctx, const kaon::Tensor<T, D>& x) {
    ctx.save_for_backward(x);
    ctx.saved_data["k"] = 3;
    return x * x * x;
  }
  template <class T, class D>
  static std::vector<kaon::Tensor<T, D>> backward(kaon::autograd::Context<D>& ctx,
                                                  const std::vector<kaon::Tensor<T, D>>& g) {
    const auto x = ctx.template saved<T>(0);
    if (!ctx.needs_input_grad(0) || !(ctx.input_shape(0) == x.shape())) return {{}};
    const int k = std::any_cast<int>(ctx.saved_data["k"]);
    return {g[0] * static_cast<T>(k) * x * x};
  }
};

/// Rows 0..n-1 of y = 2 x0 - x1 + 0.5, for the optimisers.
inline std::pair<kaon::Tensor<float>, kaon::Tensor<float>> line_data() {
  auto xs = kaon::linspace(-1, 1, 16).reshape({8, 2});
  auto ys = (xs.select(1, 0) * 2.0f - xs.select(1, 1) + 0.5f).unsqueeze(1);
  return {xs, ys};
}

/// One forward, backward and step of `opt` on `model`; returns the loss before the step.
inline float train_step(kaon::optim::Optimizer<float>& opt, const kaon::nn::Linear<float>& model) {
  const auto [xs, ys] = line_data();
  opt.zero_grad();
  auto loss = kaon::nn::functional::mse_loss(model(xs), ys);
  loss.backward();
  opt.step();
  return loss.item();
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace porting_table_test

TEST_CASE("porting table: tensor creation", "[api][porting]") {
  using namespace porting_table_test;
  kaon::manual_seed(0);
  REQUIRE(kaon::zeros({2, 3}).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::ones({2, 3}).sum().item() == 6.0f);
  REQUIRE(kaon::empty({2, 3}).numel() == 6);
  static_assert(std::is_same_v<decltype(kaon::zeros<double>({2, 3})), kaon::Tensor<double>>);
  REQUIRE(kaon::ones<std::int64_t>({4}).sum().item() == 4);
  const auto x = kaon::full({2, 3}, 7.0f);
  REQUIRE(x.max().item() == 7.0f);
  REQUIRE(kaon::zeros_like(x).sum().item() == 0.0f);
  REQUIRE(kaon::ones_like(x).sum().item() == 6.0f);
  REQUIRE(kaon::empty_like(x).shape() == x.shape());
  REQUIRE(kaon::full_like(x, 7.0).min().item() == 7.0f);
  REQUIRE(kaon::rand({100, 1}).shape() == kaon::Shape{100, 1});
  REQUIRE(kaon::randn({100, 1}).shape() == kaon::Shape{100, 1});
  REQUIRE(kaon::rand<double>({3}).dtype_name() == std::string("float64"));
  REQUIRE(kaon::rand_like(x).shape() == x.shape());
  REQUIRE(kaon::randn_like(x).shape() == x.shape());
  REQUIRE(kaon::randint(0, 10, {5}).max().item() < 10);
  REQUIRE(kaon::randint(10, {5}).min().item() >= 0);
  REQUIRE(kaon::randperm(10).sum().item() == 45);
  REQUIRE(kaon::arange(0, 10, 2).to_vector() == std::vector<std::int64_t>{0, 2, 4, 6, 8});
  REQUIRE(kaon::arange(5).numel() == 5);
  REQUIRE(kaon::arange<double>(0, 1, 0.25).to_vector() == std::vector<double>{0, 0.25, 0.5, 0.75});
  REQUIRE(kaon::linspace(0, 5, 11).to_vector()[1] == 0.5f);
  REQUIRE(kaon::eye(3).sum().item() == 3.0f);
  REQUIRE(kaon::eye(2, 3).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::tensor({1.0, 2.0, 3.0}).dtype_name() == std::string("float32"));
  REQUIRE(kaon::tensor({{1, 2}, {3, 4}}).sum().item() == 10);
  REQUIRE(kaon::tensor({{{1, 2}}, {{3, 4}}}).shape() == kaon::Shape{2, 1, 2});
  REQUIRE(kaon::tensor<double>({1, 2}).dtype_name() == std::string("float64"));
  REQUIRE(kaon::tensor(3.5).dim() == 0);
  const std::vector<float> v{1, 2, 3, 4, 5, 6};
  REQUIRE(kaon::from_vector(v, {2, 3}).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::from_vector(v).shape() == kaon::Shape{6});
  static_assert(std::is_same_v<kaon::Tensor<double>, kaon::f64::Tensor>);
  static_assert(std::is_same_v<kaon::Tensor<float>, kaon::f32::Tensor>);
  REQUIRE(kaon::Shape{2, 3}.size() == 2);
  static_assert(std::is_same_v<kaon::cpu, kaon::Tensor<float>::device_type>);
  REQUIRE(kaon::zeros<float, kaon::cpu>({2, 3}).device() == std::string("cpu"));
  REQUIRE(x.to<kaon::cpu>().is_alias_of(x));
  static_assert(!x.is_cuda());
  REQUIRE(x.device() == std::string("cpu"));
  const int threads = kaon::get_num_threads();
  kaon::set_num_threads(2);
  REQUIRE(kaon::get_num_threads() == 2);
  kaon::set_num_threads(threads);
  static_assert(kaon::is_tensor_v<kaon::f32::Tensor>);
  static_assert(kaon::is_device_v<kaon::cpu>);
  static_assert(kaon::Element<float>);
  static_assert(std::is_same_v<kaon::promote_t<std::int64_t, float>, float>);
  static_assert(std::is_same_v<kaon::promote_scalar_t<std::int64_t, double>, float>);
  REQUIRE(x.dtype_name() == std::string("float32"));
  REQUIRE(kaon::dtype_name<double>() == std::string("float64"));
}

TEST_CASE("porting table: tensor attributes and access", "[api][porting]") {
  using namespace porting_table_test;
  auto x = kaon::arange(6).to<float>().reshape({2, 3});
  const auto y = x;
  REQUIRE(x.shape() == kaon::Shape{2, 3});
  REQUIRE(x.size(0) == 2);
  REQUIRE(x.size(-1) == 3);
  REQUIRE(x.stride(0) == 3);
  REQUIRE(x.strides() == kaon::Shape{3, 1});
  REQUIRE(x.dim() == 2);
  REQUIRE(x.numel() == 6);
  REQUIRE(x.storage_offset() == 0);
  REQUIRE(x.is_contiguous());
  {
    const auto x = kaon::tensor(5.0);
    REQUIRE(x.item<float>() == 5.0f);
    REQUIRE(x.item() == 5.0f);
  }
  REQUIRE(x.data_ptr()[4] == 4.0f);
  REQUIRE(x.to_vector() == std::vector<float>{0, 1, 2, 3, 4, 5});
  REQUIRE(x.to<double>().dtype_name() == std::string("float64"));
  REQUIRE(x.cast<double>().sum().item() == 15.0);
  REQUIRE(x.to<std::int64_t>().sum().item() == 15);
  REQUIRE(x.defined());
  REQUIRE(x.is_alias_of(y));
  const auto version = x.version();
  x.bump_version();
  REQUIRE(x.version() == version + 1);
  REQUIRE(kaon::zeros({2}).is_sole_owner());
  REQUIRE_FALSE(x.is_sole_owner());
  REQUIRE(x.impl().shape == x.shape());
  std::ostringstream os;
  kaon::print_options().precision = 2;
  os << x;
  kaon::print_options().precision = 4;
  REQUIRE(os.str() == "tensor([[0., 1., 2.],\n        [3., 4., 5.]])");
  CHECK_THROWS_AS(x.reshape({5}), kaon::Error);
  CHECK_THROWS_AS(x.reshape({5}), kaon::ShapeError);
  CHECK_THROWS_AS(x.item(), kaon::ValueError);
  CHECK_THROWS_AS(x.select(0, 7), kaon::IndexError);
  CHECK_THROWS_AS(kaon::io::load_npy("no/such/file.npy"), kaon::IOError);
  static_assert(std::is_base_of_v<kaon::Error, kaon::DeviceError>);
  REQUIRE(std::string(KAON_VERSION).rfind(std::to_string(KAON_VERSION_MAJOR) + ".", 0) == 0);
}

TEST_CASE("porting table: element-wise operations", "[api][porting]") {
  using namespace porting_table_test;
  const auto a = kaon::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const auto b = kaon::full({2, 3}, 2.0f);
  auto x = a.clone();
  const auto y = kaon::ones({2, 3});
  REQUIRE((a + b).sum().item() == 33.0f);
  REQUIRE((a - b).sum().item() == 9.0f);
  REQUIRE((a * b).sum().item() == 42.0f);
  REQUIRE((a / b).sum().item() == 10.5f);
  REQUIRE((-a).sum().item() == -21.0f);
  REQUIRE((2 * x).sum().item() == 42.0f);
  REQUIRE((x / 2).sum().item() == 10.5f);
  x += y;
  x -= y;
  x *= y;
  x /= y;
  REQUIRE(x.sum().item() == 21.0f);
  const auto m1 = x > 2, m2 = x < 5;
  REQUIRE((x > 0).all().item());
  REQUIRE_FALSE((x < 0).any().item());
  REQUIRE((x >= 0).all().item());
  REQUIRE_FALSE((x <= 0).any().item());
  REQUIRE_FALSE((x == 0).any().item());
  REQUIRE((x != 0).all().item());
  REQUIRE((m1 & m2).sum().item() == 2);
  REQUIRE((m1 | m2).sum().item() == 6);
  REQUIRE((m1 ^ m2).sum().item() == 4);
  REQUIRE((~m1).sum().item() == 2);
  REQUIRE((!m1).sum().item() == 2);
  REQUIRE((x % 5).sum().item() == 11.0f);
  REQUIRE(kaon::pow(x, 2).sum().item() == 91.0f);
  REQUIRE(x.pow(2).sum().item() == 91.0f);
  for (const auto& r :
       {kaon::sqrt(x), kaon::exp(x), kaon::log(x), kaon::sin(x), kaon::cos(x), kaon::tan(x),
        kaon::tanh(x), kaon::sigmoid(x), kaon::abs(x), kaon::relu(x), kaon::round(x)})
    REQUIRE(r.shape() == x.shape());
  for (const auto& r :
       {kaon::asin(x), kaon::acos(x), kaon::atan(x), kaon::sinh(x), kaon::cosh(x), kaon::asinh(x),
        kaon::acosh(x), kaon::atanh(x), kaon::log1p(x), kaon::expm1(x), kaon::erf(x), kaon::erfc(x),
        kaon::sign(x), kaon::floor(x), kaon::ceil(x), kaon::trunc(x)})
    REQUIRE(r.shape() == x.shape());
  for (const auto& r :
       {x.sqrt(),    x.exp(),  x.log(),   x.sin(),   x.cos(),   x.tan(),   x.tanh(),
        x.sigmoid(), x.abs(),  x.relu(),  x.round(), x.asin(),  x.acos(),  x.atan(),
        x.sinh(),    x.cosh(), x.asinh(), x.acosh(), x.atanh(), x.log1p(), x.expm1(),
        x.erf(),     x.erfc(), x.sign(),  x.floor(), x.ceil(),  x.trunc()})
    REQUIRE(r.shape() == x.shape());
  REQUIRE(kaon::atan2(a, b).shape() == a.shape());
  REQUIRE(kaon::hypot(a, b).select(0, 0).select(0, 0).item() == Approx(std::sqrt(5.0)));
  REQUIRE(kaon::fmod(a, b).sum().item() == 3.0f);
  REQUIRE(a.atan2(b).shape() == a.shape());
  REQUIRE(a.hypot(b).shape() == a.shape());
  REQUIRE(a.fmod(2.0).sum().item() == 3.0f);
  REQUIRE(kaon::clamp(x, 0, 1).sum().item() == 6.0f);
  REQUIRE(x.clamp(0, 1).sum().item() == 6.0f);
  REQUIRE(x.clamp_min(0).sum().item() == 21.0f);
  REQUIRE(x.clamp_max(1).sum().item() == 6.0f);
  REQUIRE(kaon::clamp_min(x, 0).sum().item() == 21.0f);
  REQUIRE(kaon::clamp_max(x, 1).sum().item() == 6.0f);
  const auto m = a > b;
  REQUIRE(kaon::where(m, a, b).sum().item() == 22.0f);
  REQUIRE(kaon::where(m, a, 0.0).sum().item() == 18.0f);
  REQUIRE(kaon::where(m, 1.0, 0.0).sum().item() == 4.0f);
  REQUIRE(kaon::maximum(a, b).sum().item() == 22.0f);
  REQUIRE(kaon::minimum(a, b).sum().item() == 11.0f);
  REQUIRE(x.masked_fill(m, 0.0).sum().item() == 3.0f);
  x.fill_(2);
  REQUIRE(x.sum().item() == 12.0f);
  x.zero_();
  REQUIRE(x.sum().item() == 0.0f);
  x.copy_(y);
  REQUIRE(x.sum().item() == 6.0f);
}

TEST_CASE("porting table: reductions, sorting and scans", "[api][porting]") {
  using namespace porting_table_test;
  const auto x = kaon::tensor({{3.0, 1.0, 2.0, 0.5}, {0.25, 4.0, 1.5, 2.5}, {1.0, 1.0, 3.5, 0.1}});
  const auto m = x > 1;
  REQUIRE(x.sum().item() == Approx(20.35));
  REQUIRE(x.sum(1, true).shape() == kaon::Shape{3, 1});
  REQUIRE(x.prod().item() == Approx(3.0 * 2 * 0.5 * 0.25 * 4 * 1.5 * 2.5 * 3.5 * 0.1));
  REQUIRE(x.prod(1).shape() == kaon::Shape{3});
  REQUIRE(x.mean().item() == Approx(20.35 / 12));
  REQUIRE(x.mean(0).shape() == kaon::Shape{4});
  REQUIRE(x.std().item() == Approx(std::sqrt(x.var().item())));
  REQUIRE(x.std(false).item() < x.std().item());
  REQUIRE(x.std(0, false, true).shape() == kaon::Shape{1, 4});
  REQUIRE(x.var(kaon::Correction(0)).item() == Approx(x.var(false).item()));
  REQUIRE(x.var(0, kaon::Correction(2), true).shape() == kaon::Shape{1, 4});
  REQUIRE(x.norm().item() == Approx(std::sqrt((x * x).sum().item())));
  REQUIRE(x.norm(1, 1).select(0, 0).item() == Approx(6.5));
  REQUIRE(x.min().item() == 0.1f);
  REQUIRE(x.max().item() == 4.0f);
  REQUIRE(x.max(0).values.to_vector() == std::vector<float>{3.0f, 4.0f, 3.5f, 2.5f});
  REQUIRE(x.min(0).indices.to_vector() == std::vector<std::int64_t>{1, 0, 1, 2});
  REQUIRE(x.max(1, true).values.shape() == kaon::Shape{3, 1});
  REQUIRE(x.argmin().item() == 11);
  REQUIRE(x.argmax(1).to_vector() == std::vector<std::int64_t>{0, 1, 2});
  REQUIRE(x.argmax(1, true).shape() == kaon::Shape{3, 1});
  REQUIRE_FALSE(m.all().item());
  REQUIRE(m.any().item());
  REQUIRE_FALSE(m.all(1).any().item());
  REQUIRE(m.any(1).all().item());
  REQUIRE(kaon::sum(x, 1).shape() == kaon::Shape{3});
  REQUIRE(kaon::mean(x).item() == Approx(20.35 / 12));
  REQUIRE(kaon::std(x).item() == Approx(x.std().item()));
  REQUIRE(kaon::var(x, 0).shape() == kaon::Shape{4});
  REQUIRE(kaon::prod(x).item() == Approx(x.prod().item()));
  REQUIRE(kaon::norm(x).item() == Approx(x.norm().item()));
  REQUIRE(kaon::min(x).item() == 0.1f);
  REQUIRE(kaon::max(x, 1).values.to_vector() == std::vector<float>{3.0f, 4.0f, 3.5f});
  REQUIRE(kaon::argmin(x).item() == 11);
  REQUIRE(kaon::argmax(x, 1).to_vector() == std::vector<std::int64_t>{0, 1, 2});
  REQUIRE_FALSE(kaon::all(m).item());
  REQUIRE(kaon::any(m).item());
  REQUIRE(kaon::sort(x, 1).values.select(0, 0).to_vector() ==
          std::vector<float>{0.5f, 1.0f, 2.0f, 3.0f});
  REQUIRE(x.sort(1, true).indices.select(0, 0).to_vector() ==
          std::vector<std::int64_t>{0, 2, 1, 3});
  REQUIRE(kaon::argsort(x, 1).select(0, 0).select(0, 0).item() == 3);
  REQUIRE(x.argsort().shape() == x.shape());
  REQUIRE(kaon::topk(x, 2).values.select(0, 0).to_vector() == std::vector<float>{3.0f, 2.0f});
  REQUIRE(x.topk(2, 1, false).indices.select(0, 0).to_vector() == std::vector<std::int64_t>{3, 1});
  REQUIRE(kaon::kthvalue(x, 2).values.select(0, 0).item() == 1.0f);
  REQUIRE(x.kthvalue(1, 1, true).values.shape() == kaon::Shape{3, 1});
  REQUIRE(kaon::quantile(x, 0.5).item() == Approx(1.25));
  REQUIRE(kaon::quantile(x, 0.9, 1, true).shape() == kaon::Shape{3, 1});
  REQUIRE(kaon::cumsum(x, 1).select(1, 3).select(0, 0).item() == 6.5f);
  REQUIRE(x.cumsum(0).select(0, 2).to_vector() == std::vector<float>{4.25f, 6.0f, 7.0f, 3.1f});
  REQUIRE(kaon::diff(x).shape() == kaon::Shape{3, 3});
  REQUIRE(x.diff(1, 0).shape() == kaon::Shape{2, 4});
  const auto v = kaon::tensor({1.0, 2.0});
  REQUIRE(kaon::tril(x).select(0, 0).select(0, 1).item() == 0.0f);
  REQUIRE(kaon::triu(x, 1).select(0, 0).select(0, 0).item() == 0.0f);
  REQUIRE(kaon::diag(v).shape() == kaon::Shape{2, 2});
  REQUIRE(x.diag().to_vector() == std::vector<float>{3.0f, 4.0f, 3.5f});
  REQUIRE(x.tril().sum().item() < x.sum().item());
  REQUIRE(x.triu(1).select(1, 0).sum().item() == 0.0f);
  REQUIRE(kaon::histc(x, 10, 0, 1).sum().item() == 6.0f);
  const auto w = kaon::ones_like(x);
  REQUIRE(kaon::histogram(x, 4, std::pair{0.0, 1.0}, w, true).hist.sum().item() == Approx(4.0));
  const auto edges = kaon::tensor({0.0, 2.0, 5.0});
  REQUIRE(kaon::histogram(x, edges).bin_edges.numel() == 3);
}

TEST_CASE("porting table: shapes, views and joins", "[api][porting]") {
  using namespace porting_table_test;
  const auto x = kaon::arange(6).to<float>().reshape({2, 3});
  const auto c = kaon::tensor({{1.0, 2.0, 3.0}});
  REQUIRE(x.reshape({-1, 1}).shape() == kaon::Shape{6, 1});
  REQUIRE(x.view({3, 2}).shape() == kaon::Shape{3, 2});
  REQUIRE(x.flatten().shape() == kaon::Shape{6});
  REQUIRE(x.flatten(1).shape() == kaon::Shape{2, 3});
  REQUIRE(c.squeeze().shape() == kaon::Shape{3});
  REQUIRE(x.squeeze().shape() == kaon::Shape{2, 3});
  REQUIRE(x.squeeze(1).shape() == kaon::Shape{2, 3});
  REQUIRE(x.unsqueeze(0).shape() == kaon::Shape{1, 2, 3});
  REQUIRE(x.transpose(0, 1).shape() == kaon::Shape{3, 2});
  REQUIRE(x.t().shape() == kaon::Shape{3, 2});
  REQUIRE(x.permute({1, 0}).shape() == kaon::Shape{3, 2});
  REQUIRE(c.expand({2, 3}).sum().item() == 12.0f);
  REQUIRE(c.expand_as(x).shape() == x.shape());
  REQUIRE(x.slice(1, 1, 3).to_vector() == std::vector<float>{1, 2, 4, 5});
  REQUIRE(x.slice(1, 0, 3, 2).to_vector() == std::vector<float>{0, 2, 3, 5});
  REQUIRE(x[1].to_vector() == std::vector<float>{3, 4, 5});
  REQUIRE(x.select(0, 1).to_vector() == std::vector<float>{3, 4, 5});
  REQUIRE(x.t().contiguous().is_contiguous());
  REQUIRE(x.contiguous().is_alias_of(x));
  REQUIRE_FALSE(x.clone().is_alias_of(x));
  REQUIRE(x.detach().is_alias_of(x));
  REQUIRE(kaon::reshape(x, {3, 2}).shape() == kaon::Shape{3, 2});
  REQUIRE(kaon::flatten(x).shape() == kaon::Shape{6});
  REQUIRE(kaon::squeeze(x).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::squeeze(x, 0).shape() == kaon::Shape{2, 3});
  REQUIRE(kaon::unsqueeze(x, 0).shape() == kaon::Shape{1, 2, 3});
  REQUIRE(kaon::transpose(x, 0, 1).shape() == kaon::Shape{3, 2});
  REQUIRE(kaon::t(x).shape() == kaon::Shape{3, 2});
  REQUIRE(kaon::permute(x, {1, 0}).shape() == kaon::Shape{3, 2});
  REQUIRE(kaon::select(x, 0, 1).shape() == kaon::Shape{3});
  REQUIRE(kaon::slice(x, 1, 0, 2).shape() == kaon::Shape{2, 2});
  const auto a = kaon::ones({2, 3}), b = kaon::zeros({2, 3});
  REQUIRE(kaon::stack({a, b}, 1).shape() == kaon::Shape{2, 2, 3});
  REQUIRE(kaon::cat({a, b}, 0).shape() == kaon::Shape{4, 3});
  const std::vector<kaon::Tensor<float>> parts{a, b, a};
  REQUIRE(kaon::cat(parts).shape() == kaon::Shape{6, 3});
  REQUIRE(kaon::stack(parts).shape() == kaon::Shape{3, 2, 3});
  REQUIRE(x.unbind(0).size() == 2);
  REQUIRE(kaon::unbind(x, 1).size() == 3);
}

TEST_CASE("porting table: indexing", "[api][porting]") {
  using namespace porting_table_test;
  auto x = kaon::arange(6).to<float>().reshape({3, 2});
  const auto m = x > 2;
  const auto idx = kaon::tensor({2, 0});
  const auto v = kaon::tensor(10.0);
  REQUIRE(x[m].to_vector() == std::vector<float>{3, 4, 5});
  REQUIRE(kaon::masked_select(x, m).numel() == 3);
  REQUIRE(x.masked_select(m).numel() == 3);
  REQUIRE(x[idx].to_vector() == std::vector<float>{4, 5, 0, 1});
  REQUIRE(x.index_select(0, idx).shape() == kaon::Shape{2, 2});
  REQUIRE(kaon::index_select(x, 0, idx).shape() == kaon::Shape{2, 2});
  const auto g = kaon::tensor({{1}, {0}, {1}});
  REQUIRE(x.gather(1, g).to_vector() == std::vector<float>{1, 2, 5});
  REQUIRE(kaon::gather(x, 1, g).shape() == kaon::Shape{3, 1});
  x.index_put_(idx, v);
  REQUIRE(x.to_vector() == std::vector<float>{10, 10, 2, 3, 10, 10});
  x.index_put_(idx, v, true);
  REQUIRE(x.to_vector() == std::vector<float>{20, 20, 2, 3, 20, 20});
  x.index_put_(m, v);
  REQUIRE(x.to_vector() == std::vector<float>{20, 20, 2, 10, 10, 10});
  x.masked_fill_(m, 0);
  REQUIRE(x.sum().item() == 42.0f);
  const auto labels = kaon::tensor({0, 2, 1});
  REQUIRE(kaon::nn::functional::one_hot(labels, 3).to_vector() ==
          std::vector<std::int64_t>{1, 0, 0, 0, 0, 1, 0, 1, 0});
}

TEST_CASE("porting table: matrix products", "[api][porting]") {
  using namespace porting_table_test;
  const auto a = kaon::arange(6).to<float>().reshape({2, 3});
  const auto b = kaon::ones({3, 2});
  const auto c = kaon::ones({2, 2});
  REQUIRE(kaon::matmul(a, b).to_vector() == std::vector<float>{3, 3, 12, 12});
  REQUIRE(a.matmul(b).shape() == kaon::Shape{2, 2});
  REQUIRE(kaon::mm(a, b).sum().item() == 30.0f);
  REQUIRE(a.mm(b).sum().item() == 30.0f);
  REQUIRE(kaon::addmm(c, a, b).sum().item() == 34.0f);
  REQUIRE(kaon::addmm(c, a, b, 0.5, 2).sum().item() == 62.0f);
}

TEST_CASE("porting table: autograd", "[api][porting]") {
  using namespace porting_table_test;
  REQUIRE(kaon::tensor({1.0, 2.0}).requires_grad_().requires_grad());
  auto w = kaon::tensor<double>({1.0, 2.0});
  w.requires_grad_(true);
  REQUIRE(w.requires_grad());
  REQUIRE(w.is_leaf());
  auto h = w * 2.0;
  h.retain_grad();
  const auto y = (h * h).sum();
  const auto v = kaon::ones_like(y);
  y.backward(v, true, true);
  REQUIRE(w.grad().to_vector() == std::vector<double>{8.0, 16.0});
  REQUIRE(h.grad().to_vector() == std::vector<double>{4.0, 8.0});
  const auto dy = kaon::autograd::grad({y}, {w}, {}, std::nullopt, true)[0];
  REQUIRE(dy.requires_grad());
  w.set_grad({});
  y.backward(v);
  REQUIRE(w.grad().to_vector() == std::vector<double>{8.0, 16.0});
  REQUIRE(y.grad_fn() != nullptr);
  REQUIRE(y.grad_fn()->name() == std::string("SumBackward0"));
  w.set_grad({});
  auto loss = kaon::sum(w * w);
  loss.backward(true);
  loss.backward();
  REQUIRE(w.grad().to_vector() == std::vector<double>{4.0, 8.0});
  {
    kaon::NoGradGuard no_grad;
    REQUIRE_FALSE((w * 2.0).requires_grad());
    REQUIRE_FALSE(kaon::autograd::GradMode::is_enabled());
    {
      kaon::EnableGradGuard enable;
      REQUIRE((w * 2.0).requires_grad());
    }
    kaon::autograd::AutoGradMode mode(true);
    REQUIRE(kaon::autograd::GradMode::is_enabled());
  }
  {
    const auto y = (w * w).sum();
    auto u = kaon::tensor<double>({3.0}).requires_grad_();
    REQUIRE_FALSE(kaon::autograd::grad({y}, {u}, {}, std::nullopt, false, true)[0].defined());
  }
  w.set_grad({});
  const auto a = w.sum(), b = (w * w).sum();
  kaon::autograd::backward({a, b});
  REQUIRE(w.grad().to_vector() == std::vector<double>{3.0, 5.0});
  const auto cube = Cube::apply(w);
  REQUIRE(cube.grad_fn()->name() == std::string("CubeBackward"));
  w.set_grad({});
  cube.sum().backward();
  REQUIRE(w.grad().to_vector() == std::vector<double>{3.0, 12.0});
  kaon::autograd::DoubleFn<> f = [](const std::vector<kaon::Tensor<double>>& in) {
    return Cube::apply(in[0]).sum();
  };
  REQUIRE(kaon::autograd::gradcheck(f, {w}));
  REQUIRE(kaon::autograd::gradgradcheck(f, {w}));
  REQUIRE(kaon::autograd::gradcheck(
      f, {w}, kaon::autograd::GradcheckOptions{.eps = 1e-6, .atol = 1e-5, .rtol = 1e-3}));
  const auto square = [](const kaon::Tensor<double>& t) { return t * t; };
  const auto g = [](const kaon::Tensor<double>& t) { return (t * t * t).sum(); };
  REQUIRE(kaon::autograd::functional::jacobian(square, w).to_vector() ==
          std::vector<double>{2.0, 0.0, 0.0, 4.0});
  REQUIRE(kaon::autograd::functional::hessian(g, w).to_vector() ==
          std::vector<double>{6.0, 0.0, 0.0, 12.0});
  REQUIRE(kaon::autograd::live_nodes() >= 0);
  REQUIRE(kaon::autograd::live_storages() > 0);
}

TEST_CASE("porting table: nn::Module", "[api][porting]") {
  using namespace porting_table_test;
  kaon::manual_seed(1);
  Net net, other;
  const auto xn = kaon::ones({4, 2});
  REQUIRE(net.forward(xn).shape() == kaon::Shape{4, 1});
  REQUIRE(net.parameters().size() == 3);
  REQUIRE(net.named_parameters()[0].first == "w");
  REQUIRE(net.named_buffers()[0].first == "b");
  REQUIRE(net.named_children()[0].first == "fc");
  REQUIRE(net.children().size() == 1);
  net.forward(xn).sum().backward();
  net.zero_grad();
  REQUIRE(net.w.grad().sum().item() == 0.0f);
  net.zero_grad(true);
  REQUIRE_FALSE(net.w.grad().defined());
  net.train();
  REQUIRE(net.is_training());
  net.eval();
  REQUIRE_FALSE(net.is_training());
  net.apply([](kaon::f32::nn::Module& m) { m.reset_parameters(); });
  const auto sd = other.state_dict();
  REQUIRE(net.state_dict().size() == 4);
  net.load_state_dict(sd);
  net.load_state_dict(sd, false);
  REQUIRE(net.fc->weight.to_vector() == other.fc->weight.to_vector());
  std::ostringstream os;
  os << net;
  REQUIRE(os.str() == net.repr());
  REQUIRE(net.name() == "Net");
}

TEST_CASE("porting table: nn layers", "[api][porting]") {
  using namespace porting_table_test;
  kaon::manual_seed(1);
  auto lin = kaon::nn::Linear<float>(3, 4);
  REQUIRE(lin.extra_repr() == "in_features=3, out_features=4, bias=True");
  REQUIRE_FALSE(kaon::nn::Linear<float>(3, 4, false).bias.defined());
  REQUIRE(kaon::nn::Linear(1, 50).weight.shape() == kaon::Shape{50, 1});
  const auto x = kaon::ones({2, 3});
  REQUIRE(lin.weight.shape() == kaon::Shape{4, 3});
  REQUIRE(lin.bias.shape() == kaon::Shape{4});
  REQUIRE(lin.in_features == 3);
  REQUIRE(lin.out_features == 4);
  REQUIRE(lin(x).shape() == kaon::Shape{2, 4});
  REQUIRE(lin.forward(x).shape() == kaon::Shape{2, 4});
  REQUIRE(kaon::nn::Linear<float, kaon::cpu>(3, 4).weight.device() == std::string("cpu"));

  const auto t = kaon::tensor({-1.0, 0.0, 2.0});
  REQUIRE(kaon::nn::ReLU()(t).to_vector() == std::vector<float>{0, 0, 2});
  REQUIRE(kaon::nn::Sigmoid()(t).select(0, 1).item() == 0.5f);
  REQUIRE(kaon::nn::Tanh()(t).select(0, 1).item() == 0.0f);
  REQUIRE(kaon::nn::SiLU()(t).select(0, 2).item() == Approx(2.0 / (1.0 + std::exp(-2.0))));
  REQUIRE(kaon::nn::Identity()(t).to_vector() == t.to_vector());
  REQUIRE(kaon::nn::LeakyReLU(0.2)(t).select(0, 0).item() == Approx(-0.2));
  REQUIRE(kaon::nn::ELU(0.5)(t).select(0, 0).item() == Approx(0.5 * std::expm1(-1.0)));
  REQUIRE(kaon::nn::GELU("tanh")(t).select(0, 2).item() == Approx(1.9546).epsilon(1e-3));
  const auto logits = kaon::tensor({{1.0, 2.0, 3.0}});
  REQUIRE(kaon::nn::Softmax(1)(logits).sum().item() == Approx(1.0));
  REQUIRE(kaon::nn::LogSoftmax(1)(logits).exp().sum().item() == Approx(1.0));
  auto dropout = kaon::nn::Dropout(0.2);
  dropout.eval();
  REQUIRE(dropout(t).to_vector() == t.to_vector());
  REQUIRE(kaon::nn::Flatten()(kaon::ones({2, 3, 4})).shape() == kaon::Shape{2, 12});
  REQUIRE(kaon::nn::Flatten(0)(kaon::ones({2, 3, 4})).shape() == kaon::Shape{24});
  REQUIRE(kaon::nn::LayerNorm({4})(kaon::rand({2, 4})).mean(1).abs().max().item() < 1e-5f);
  REQUIRE(kaon::nn::LayerNorm({4}, 1e-6, false).parameters().empty());
}

TEST_CASE("porting table: nn containers, aliases and gradient clipping", "[api][porting]") {
  using namespace porting_table_test;
  kaon::manual_seed(1);
  auto model =
      kaon::nn::Sequential(kaon::nn::Linear(1, 50), kaon::nn::ReLU(), kaon::nn::Linear(50, 1));
  const auto x = kaon::rand({5, 1});
  REQUIRE(model(x).shape() == kaon::Shape{5, 1});
  model.push_back(kaon::nn::Tanh());
  REQUIRE(model.size() == 4);
  REQUIRE_FALSE(model.empty());
  REQUIRE(model[0]->name() == "Linear");
  REQUIRE(model.at<kaon::nn::Linear<>>(0)->weight.shape() == kaon::Shape{50, 1});
  int layers = 0;
  for (const auto& layer : model) layers += layer.module != nullptr;
  REQUIRE(layers == 4);
  REQUIRE(kaon::nn::MLP(1, {50, 1})(x).shape() == kaon::Shape{5, 1});
  static_assert(std::is_same_v<kaon::f32::nn::Sequential, kaon::nn::Sequential<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::MLP, kaon::nn::MLP<float>>);
  static_assert(std::is_same_v<kaon::f64::nn::Linear, kaon::nn::Linear<double>>);
  static_assert(std::is_same_v<kaon::f32::nn::ReLU, kaon::nn::ReLU<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::LeakyReLU, kaon::nn::LeakyReLU<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::ELU, kaon::nn::ELU<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::GELU, kaon::nn::GELU<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::SiLU, kaon::nn::SiLU<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::Sigmoid, kaon::nn::Sigmoid<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::Tanh, kaon::nn::Tanh<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::Identity, kaon::nn::Identity<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::Softmax, kaon::nn::Softmax<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::LogSoftmax, kaon::nn::LogSoftmax<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::Dropout, kaon::nn::Dropout<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::Flatten, kaon::nn::Flatten<float>>);
  static_assert(std::is_same_v<kaon::f32::nn::LayerNorm, kaon::nn::LayerNorm<float>>);
  static_assert(std::is_same_v<kaon::f64::nn::Module, kaon::nn::Module<double>>);

  model.zero_grad();
  model(x).sum().backward();
  REQUIRE(kaon::nn::utils::clip_grad_norm_(model.parameters(), 1.0) > 0.0);
  kaon::nn::utils::clip_grad_value_(model.parameters(), 0.5);
  for (const auto& p : model.parameters()) REQUIRE(p.grad().abs().max().item() <= 0.5f);
}

TEST_CASE("porting table: nn::functional", "[api][porting]") {
  using namespace porting_table_test;
  const auto x = kaon::tensor({{-1.0, 0.0, 2.0}, {1.0, 3.0, -2.0}});
  REQUIRE(kaon::nn::functional::relu(x).min().item() == 0.0f);
  REQUIRE(kaon::nn::functional::sigmoid(x).shape() == x.shape());
  REQUIRE(kaon::nn::functional::tanh(x).shape() == x.shape());
  REQUIRE(kaon::nn::functional::silu(x).shape() == x.shape());
  REQUIRE(kaon::nn::functional::leaky_relu(x, 0.2).min().item() == Approx(-0.4));
  REQUIRE(kaon::nn::functional::elu(x, 0.5).min().item() == Approx(0.5 * std::expm1(-2.0)));
  REQUIRE(kaon::nn::functional::gelu(x, "tanh").shape() == x.shape());
  REQUIRE(kaon::nn::functional::softmax(x, 1).sum(1).to_vector()[0] == Approx(1.0));
  REQUIRE(kaon::nn::functional::log_softmax(x, 1).exp().sum(1).to_vector()[1] == Approx(1.0));
  const auto w3 = kaon::ones({3}), b3 = kaon::zeros({3});
  REQUIRE(kaon::nn::functional::layer_norm(x, {3}).mean(1).abs().max().item() < 1e-5f);
  REQUIRE(kaon::nn::functional::layer_norm(x, {3}, w3, b3, 1e-5).shape() == x.shape());
}

TEST_CASE("porting table: losses", "[api][porting]") {
  using namespace porting_table_test;
  const auto p = kaon::tensor({0.5, -1.0, 2.0, 0.0});
  const auto t = kaon::tensor({1.0, 0.0, 1.0, 0.0});
  const auto prob = kaon::sigmoid(p);
  const auto wt = kaon::full({4}, 2.0f);
  auto mse = kaon::nn::MSELoss();
  REQUIRE(mse(p, t).item() == Approx((0.25 + 1.0 + 1.0 + 0.0) / 4));
  REQUIRE(mse.forward(p, t).item() == Approx(0.5625));
  REQUIRE(mse.reduction == kaon::nn::Reduction::Mean);
  REQUIRE(kaon::nn::MSELoss(kaon::nn::Reduction::Sum)(p, t).item() == Approx(2.25));
  REQUIRE(kaon::nn::L1Loss()(p, t).item() == Approx(0.625));
  REQUIRE(kaon::nn::SmoothL1Loss(kaon::nn::Reduction::Mean, 0.5)(p, t).item() > 0.0f);
  REQUIRE(kaon::nn::BCELoss()(prob, t).item() > 0.0f);
  REQUIRE(kaon::nn::BCELoss(wt)(prob, t).item() == Approx(2 * kaon::nn::BCELoss()(prob, t).item()));
  REQUIRE(kaon::nn::BCEWithLogitsLoss({}, kaon::nn::Reduction::Mean, wt)(p, t).item() > 0.0f);
  const auto logits = kaon::tensor({{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}, {1.0, 1.0, 1.0}});
  const auto labels = kaon::tensor({0, 2, 1});
  const auto logp = kaon::nn::functional::log_softmax(logits, 1);
  const auto probs = kaon::nn::functional::softmax(logits, 1);
  REQUIRE(kaon::nn::CrossEntropyLoss()(logits, labels).item() ==
          Approx(kaon::nn::NLLLoss()(logp, labels).item()));
  REQUIRE(kaon::nn::functional::mse_loss(p, t, kaon::nn::Reduction::Sum).item() == Approx(2.25));
  REQUIRE(kaon::nn::functional::l1_loss(p, t).item() == Approx(0.625));
  REQUIRE(kaon::nn::functional::smooth_l1_loss(p, t, kaon::nn::Reduction::Mean, 0.5).item() > 0.0f);
  REQUIRE(kaon::nn::functional::binary_cross_entropy(prob, t).item() ==
          Approx(kaon::nn::functional::binary_cross_entropy_with_logits(p, t).item()));
  REQUIRE(kaon::nn::functional::binary_cross_entropy_with_logits(p, t, {}, wt).item() > 0.0f);
  REQUIRE(kaon::nn::functional::cross_entropy(logits, labels).item() ==
          Approx(kaon::nn::functional::nll_loss(logp, labels).item()));
  REQUIRE(kaon::nn::functional::cross_entropy(logits, probs).item() > 0.0f);
}

TEST_CASE("porting table: nn::init", "[api][porting]") {
  using namespace porting_table_test;
  kaon::manual_seed(2);
  auto w = kaon::empty({4, 3});
  kaon::nn::init::uniform_(w, -1, 1);
  REQUIRE(w.abs().max().item() <= 1.0f);
  kaon::nn::init::normal_(w, 0, 0.1);
  kaon::nn::init::constant_(w, 0.5);
  REQUIRE(w.sum().item() == 6.0f);
  kaon::nn::init::zeros_(w);
  REQUIRE(w.sum().item() == 0.0f);
  kaon::nn::init::ones_(w);
  REQUIRE(w.sum().item() == 12.0f);
  kaon::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  REQUIRE(w.abs().max().item() <= 1 / std::sqrt(3.0f));
  kaon::nn::init::kaiming_normal_(w, 0, "fan_in", "relu");
  kaon::nn::init::xavier_uniform_(w);
  REQUIRE(w.abs().max().item() <= std::sqrt(6.0f / 7.0f));
  kaon::nn::init::xavier_normal_(w, 2);
  kaon::nn::init::orthogonal_(w);
  REQUIRE(kaon::matmul(w.t(), w).diag().sum().item() == Approx(3.0).epsilon(1e-4));
  REQUIRE(kaon::nn::init::calculate_gain("tanh") == Approx(5.0 / 3.0));
  REQUIRE(kaon::nn::init::fan_in(w) == 3);
  REQUIRE(kaon::nn::init::fan_out(w) == 4);
}

TEST_CASE("porting table: optimisers and their options", "[api][porting]") {
  using namespace porting_table_test;
  kaon::manual_seed(3);
  auto model = kaon::nn::Linear<float>(2, 1);
  auto opt = kaon::optim::SGD(model.parameters(), kaon::optim::SGDOptions(0.1).momentum(0.9));
  const float first = train_step(opt, model);
  REQUIRE(train_step(opt, model) < first);
  auto plain = kaon::optim::SGD(model.parameters(), 0.1);
  REQUIRE(plain.options().lr() == 0.1);
  const auto sgd_options =
      kaon::optim::SGDOptions(0.1).dampening(0).weight_decay(1e-4).nesterov(true);
  REQUIRE(sgd_options.nesterov());
  auto adam = kaon::optim::Adam(model.parameters(), 0.01);
  train_step(adam, model);
  REQUIRE(kaon::optim::Adam(model.parameters()).lr() == 1e-3);
  const auto adam_options =
      kaon::optim::AdamOptions(1e-3).betas({0.9, 0.99}).eps(1e-8).weight_decay(0).amsgrad(true);
  REQUIRE(std::get<1>(adam_options.betas()) == 0.99);
  REQUIRE(std::get<0>(adam.options().betas()) == 0.9);
  auto adamw = kaon::optim::AdamW(model.parameters(), kaon::optim::AdamWOptions(1e-3));
  train_step(adamw, model);
  auto adagrad = kaon::optim::Adagrad(model.parameters(), kaon::optim::AdagradOptions(0.01)
                                                              .lr_decay(0)
                                                              .weight_decay(0)
                                                              .initial_accumulator_value(0)
                                                              .eps(1e-10));
  train_step(adagrad, model);
  auto rmsprop = kaon::optim::RMSprop(
      model.parameters(),
      kaon::optim::RMSpropOptions(0.01).alpha(0.99).eps(1e-8).weight_decay(0).momentum(0).centered(
          true));
  train_step(rmsprop, model);
  auto rprop = kaon::optim::Rprop(
      model.parameters(), kaon::optim::RpropOptions(0.01).etas({0.5, 1.2}).step_sizes({1e-6, 50}));
  train_step(rprop, model);
  auto lbfgs = kaon::optim::LBFGS(model.parameters(), kaon::optim::LBFGSOptions(1)
                                                          .max_iter(20)
                                                          .max_eval(25)
                                                          .tolerance_grad(1e-7)
                                                          .tolerance_change(1e-9)
                                                          .history_size(100));
  const auto [xs, ys] = line_data();
  // Copied in: Clang 14 cannot capture structured bindings (C++20's P1091, from Clang 16).
  const auto closure = [&, xs = xs, ys = ys] {
    lbfgs.zero_grad();
    auto loss = kaon::nn::functional::mse_loss(model(xs), ys);
    loss.backward();
    return loss;
  };
  lbfgs.step(closure);
  REQUIRE(lbfgs.func_evals() > 1);
  REQUIRE(lbfgs.n_iter() >= 1);
  REQUIRE(kaon::nn::functional::mse_loss(model(xs), ys).item() < 1e-4f);

  opt.zero_grad();
  opt.step();
  opt.zero_grad(true);
  REQUIRE_FALSE(model.weight.grad().defined());
  auto a = kaon::zeros({2}).requires_grad_(), b = kaon::zeros({1}).requires_grad_();
  auto grouped = kaon::optim::Adam<float>(
      {{{a}, kaon::optim::AdamOptions(1e-3)}, {{b}, kaon::optim::AdamOptions(1e-4)}});
  REQUIRE(grouped.param_groups()[1].options().lr() == 1e-4);
  REQUIRE(grouped.lr(1) == 1e-4);
  REQUIRE(grouped.num_param_groups() == 2);
  REQUIRE(grouped.param_groups()[0].params().size() == 1);
  opt.set_lr(0.01);
  opt.set_lr(0, 0.01);
  REQUIRE(opt.lr() == 0.01);
  const auto osd = opt.state_dict();
  opt.load_state_dict(osd);
  REQUIRE(opt.parameters().size() == 2);
  kaon::optim::Optimizer<float>& base = opt;
  REQUIRE(base.num_param_groups() == 1);
  static_assert(std::is_same_v<kaon::f32::optim::Optimizer, kaon::optim::Optimizer<float>>);
  std::unique_ptr<kaon::f32::optim::Adam> owned =
      std::make_unique<kaon::f32::optim::Adam>(model.parameters(), 0.01);
  REQUIRE(owned->lr() == 0.01);
  static_assert(std::is_same_v<kaon::f32::optim::SGD, kaon::optim::SGD<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::AdamW, kaon::optim::AdamW<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::Adagrad, kaon::optim::Adagrad<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::RMSprop, kaon::optim::RMSprop<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::Rprop, kaon::optim::Rprop<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::LBFGS, kaon::optim::LBFGS<float>>);
  static_assert(std::is_same_v<kaon::f64::optim::Adam, kaon::optim::Adam<double>>);
}

TEST_CASE("porting table: learning-rate schedulers", "[api][porting]") {
  using namespace porting_table_test;
  auto model = kaon::nn::Linear<float>(2, 1);
  auto opt = kaon::optim::SGD(model.parameters(), 1.0);
  auto sched = kaon::optim::StepLR(opt, 3, 0.5);
  for (int i = 0; i < 3; ++i) sched.step();
  REQUIRE(sched.get_last_lr() == std::vector<double>{0.5});
  REQUIRE(sched.last_epoch() == 3);
  opt.set_lr(1.0);
  auto multi = kaon::optim::MultiStepLR(opt, {30, 80}, 0.1);
  multi.step();
  REQUIRE(opt.lr() == 1.0);
  auto expo = kaon::optim::ExponentialLR(opt, 0.9);
  expo.step();
  REQUIRE(opt.lr() == Approx(0.9));
  opt.set_lr(1.0);
  auto linear = kaon::optim::LinearLR(opt, 0.25, 1.0, 4);
  REQUIRE(opt.lr() == Approx(0.25));
  linear.step();
  REQUIRE(opt.lr() == Approx(0.4375));
  opt.set_lr(1.0);
  auto cosine = kaon::optim::CosineAnnealingLR(opt, 50, 1e-5);
  cosine.step();
  REQUIRE(opt.lr() < 1.0);
  opt.set_lr(1.0);
  auto plateau = kaon::optim::ReduceLROnPlateau(opt);
  for (int i = 0; i < 12; ++i) plateau.step(0.5);
  REQUIRE(plateau.get_last_lr()[0] == Approx(0.1));
  const auto options = kaon::optim::ReduceLROnPlateauOptions()
                           .mode_max(true)
                           .factor(0.5)
                           .patience(2)
                           .threshold(1e-4)
                           .threshold_mode_abs(true)
                           .cooldown(1)
                           .min_lr(1e-6)
                           .eps(1e-8);
  REQUIRE(options.mode_max());
  REQUIRE(options.patience() == 2);
  static_assert(std::is_same_v<kaon::f32::optim::StepLR, kaon::optim::StepLR<float>>);
  static_assert(
      std::is_same_v<kaon::f32::optim::ReduceLROnPlateau, kaon::optim::ReduceLROnPlateau<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::MultiStepLR, kaon::optim::MultiStepLR<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::ExponentialLR, kaon::optim::ExponentialLR<float>>);
  static_assert(std::is_same_v<kaon::f32::optim::LinearLR, kaon::optim::LinearLR<float>>);
  static_assert(
      std::is_same_v<kaon::f32::optim::CosineAnnealingLR, kaon::optim::CosineAnnealingLR<float>>);
}

TEST_CASE("porting table: data frames and CSV", "[api][porting]") {
  using namespace porting_table_test;
  auto df = kaon::data::read_csv(KAON_PENGUINS_CSV);
  REQUIRE(df.rows() == 344);
  REQUIRE(df.dropna().rows() == 333);
  REQUIRE(df.dropna({"sex"}).rows() == 333);
  df = df.dropna();
  const std::string text = "a;b\n1;?\n2;3\n";
  const auto semi = kaon::data::CsvOptions().with_delimiter(';').with_na_values({"?"});
  REQUIRE(kaon::data::parse_csv(text, "<text>", semi).dropna().rows() == 1);
  REQUIRE(kaon::data::parse_csv(text).cols() == 1);
  const auto small = kaon::data::DataFrame({kaon::data::Column("a", std::vector<double>{1, 2})});
  REQUIRE(small.rows() == 2);
  REQUIRE(df.cols() == 8);
  REQUIRE(df.columns()[0] == "species");
  REQUIRE(df["species"].text(0) == "Adelie");
  REQUIRE(df.column(0).name() == "species");
  REQUIRE(df[df["species"] != "Gentoo"].rows() == 214);
  REQUIRE(df[df["bill_length_mm"] > 45.0].rows() > 0);
  REQUIRE(df.select({"species", "year"}).cols() == 2);
  REQUIRE(df.take({0, 2}).rows() == 2);
  REQUIRE(df.head(3).rows() == 3);
  REQUIRE(df.to_tensor<float>({"bill_length_mm", "bill_depth_mm"}).shape() == kaon::Shape{333, 2});
  df.set("ratio", df["bill_length_mm"] / df["bill_depth_mm"]);
  REQUIRE(df.cols() == 9);
  REQUIRE(df.value_counts("species")[0] == std::pair<std::string, std::int64_t>{"Adelie", 146});
  REQUIRE(kaon::data::factorize(df["species"]).codes.max().item() == 2);
  REQUIRE(kaon::data::factorize(df["species"]).uniques.size() == 3);

  const auto& bill = df["bill_length_mm"];
  const auto& species = df["species"];
  REQUIRE(bill.name() == "bill_length_mm");
  REQUIRE(bill.is_numeric());
  REQUIRE(bill.kind() == kaon::data::Column::Kind::numeric);
  REQUIRE(bill.size() == 333);
  REQUIRE_FALSE(bill.is_na(0));
  REQUIRE(bill.count_na() == 0);
  REQUIRE_FALSE(bill.isna().any().item());
  REQUIRE(bill.notna().all().item());
  REQUIRE(bill.number(0) == 39.1);
  REQUIRE(species.text(0) == "Adelie");
  REQUIRE(bill.value_as<double>(0) == 39.1);
  REQUIRE(bill.where(0).find("penguins.csv") != std::string::npos);
  REQUIRE((species == "Adelie").sum().item() == 146);
  REQUIRE(species.isin({"Adelie", "Gentoo"}).sum().item() == 265);
  REQUIRE((bill < 40.0).sum().item() + (bill >= 40.0).sum().item() == 333);
  REQUIRE((bill <= 40.0).sum().item() >= (bill == 40.0).sum().item());
  REQUIRE((bill != 40.0).sum().item() <= 333);
  REQUIRE(bill.count() == 333);
  REQUIRE(bill.sum() == Approx(bill.mean() * 333));
  REQUIRE(bill.var() == Approx(bill.std() * bill.std()));
  REQUIRE(bill.std(0) < bill.std());
  REQUIRE(bill.min() == 32.1);
  REQUIRE(bill.max() == 59.6);
  REQUIRE(bill.median() == Approx(44.5));
  REQUIRE((bill + 1.0).number(0) == Approx(40.1));
  REQUIRE((bill - 1.0).number(0) == Approx(38.1));
  REQUIRE((bill * 2.0).number(0) == Approx(78.2));
  REQUIRE((bill / 2.0).number(0) == Approx(19.55));
  REQUIRE((bill + bill).number(0) == Approx(78.2));
  REQUIRE((bill - bill).number(0) == 0.0);
  REQUIRE((bill * bill).number(0) == Approx(39.1 * 39.1));
  REQUIRE(bill.renamed("x").name() == "x");
  REQUIRE(bill.take({0, 2}).size() == 2);
  REQUIRE(bill.to_tensor<double>().shape() == kaon::Shape{333});
}

TEST_CASE("porting table: datasets, loaders and preprocessing", "[api][porting]") {
  using namespace porting_table_test;
  const auto xs = kaon::arange(20).to<float>().reshape({10, 2});
  const auto ys = kaon::arange(10);
  const auto ws = kaon::ones({10});
  auto ds = kaon::data::TensorDataset(xs, ys);
  REQUIRE(ds[0].second.item() == 0);
  REQUIRE(ds.size() == 10);
  REQUIRE(ds.inputs().is_alias_of(xs));
  REQUIRE(ds.targets().is_alias_of(ys));
  auto loader =
      kaon::data::DataLoader(ds, {.batch_size = 4, .shuffle = true, .drop_last = true, .seed = 1});
  REQUIRE(loader.size() == 2);
  std::int64_t rows = 0;
  for (auto [xb, yb] : loader) rows += xb.size(0) + 0 * yb.size(0);
  REQUIRE(rows == 8);
  const auto loader_state = loader.state_dict();
  REQUIRE(loader_state[0].second.item() == 2);
  loader.load_state_dict(loader_state);
  const auto z = kaon::data::StandardScaler().fit_transform(xs);
  REQUIRE(z.mean(0).abs().max().item() < 1e-6f);
  kaon::data::StandardScaler sc;
  sc.fit(xs);
  REQUIRE(sc.fitted());
  REQUIRE(sc.transform(xs).to_vector() == z.to_vector());
  REQUIRE(sc.inverse_transform(z).to_vector()[3] == Approx(3.0f));
  REQUIRE(sc.mean().to_vector() == std::vector<double>{9.0, 10.0});
  REQUIRE(sc.var().to_vector()[0] == Approx(33.0));
  REQUIRE(sc.scale().to_vector()[0] == Approx(std::sqrt(33.0)));
  const auto split = kaon::data::train_test_split(xs, ys, {.test_size = 0.2, .seed = 1});
  REQUIRE(split.x_train.size(0) == 8);
  REQUIRE(split.x_test.size(0) == 2);
  REQUIRE(split.y_train.size(0) == 8);
  REQUIRE(split.y_test.size(0) == 2);
  const auto [x_tr, x_te, y_tr, y_te, w_tr, w_te] = kaon::data::train_test_split(
      xs, ys, ws, kaon::data::SplitOptions{.test_size = 0.2, .shuffle = false});
  REQUIRE(y_te.to_vector() == std::vector<std::int64_t>{8, 9});
  REQUIRE(x_tr.size(0) + x_te.size(0) + y_tr.size(0) + w_tr.size(0) + w_te.size(0) == 28);
  REQUIRE(kaon::data::split_indices(10, {.test_size = 0.2, .seed = 1}).second.numel() == 2);
  REQUIRE(kaon::data::split_sizes(10, 0.25) == std::pair<std::int64_t, std::int64_t>{7, 3});
  REQUIRE(kaon::data::polynomial_features(xs, 3, false).shape() == kaon::Shape{10, 9});
}

TEST_CASE("porting table: io", "[api][porting]") {
  using namespace porting_table_test;
  kaon_test::TempDir dir;
  const std::string npy = dir.file("x.npy").string(), npz = dir.file("m.npz").string();
  const auto x = kaon::arange(6).to<float>().reshape({2, 3});
  kaon::io::save_npy(npy, x);
  REQUIRE(kaon::io::load_npy<float>(npy).to_vector() == x.to_vector());
  REQUIRE(kaon::io::load_npy<double>(npy).dtype_name() == std::string("float64"));
  const std::string bytes = read_bytes(npy);
  REQUIRE(kaon::io::from_npy_bytes<float>(bytes, "x").shape() == kaon::Shape{2, 3});
  kaon::manual_seed(4);
  auto model = kaon::nn::Linear<float>(3, 2);
  kaon::io::save_npz(npz, model.state_dict());
  const auto weight = model.weight.clone();
  kaon::nn::init::zeros_(model.weight);
  model.load_state_dict(kaon::io::load_npz(npz));
  REQUIRE(model.weight.to_vector() == weight.to_vector());
  const std::string ints = dir.file("ints.npz").string();
  kaon::io::save_npz(ints, kaon::io::NamedTensors<std::int64_t>{{"n", kaon::arange(3)}});
  REQUIRE(kaon::io::load_npz<double>(ints)[0].second.to_vector() == std::vector<double>{0, 1, 2});
  const kaon::io::NamedTensors<float> sd = model.state_dict();
  REQUIRE(kaon::io::to<kaon::cpu>(sd).size() == 2);
}

TEST_CASE("porting table: linalg and scikit-style models", "[api][porting]") {
  using namespace porting_table_test;
  const auto A = kaon::tensor<double>({{4, 1}, {1, 3}});
  const auto b = kaon::tensor<double>({1, 2});
  const auto sol = kaon::linalg::solve(A, b);
  REQUIRE(kaon::linalg::lstsq(A, b).solution.to_vector()[0] == Approx(sol.to_vector()[0]));
  REQUIRE(kaon::linalg::lstsq(A, b).residuals.numel() == 0);
  REQUIRE(kaon::linalg::lstsq(A, b).rank == 2);
  REQUIRE(kaon::matmul(A, sol).to_vector()[1] == Approx(2.0));
  REQUIRE(kaon::matmul(A, kaon::linalg::inv(A)).diag().to_vector()[0] == Approx(1.0));
  REQUIRE(kaon::linalg::det(A).item() == Approx(11.0));
  const auto L = kaon::linalg::cholesky(A);
  REQUIRE(kaon::matmul(L, L.t()).to_vector()[1] == Approx(1.0));

  const auto X = kaon::tensor<double>({{0, 1}, {1, 0}, {2, 1}, {3, 3}, {1, 2}, {2, 0}});
  const auto y = kaon::matmul(X, kaon::tensor<double>({1, 2})) + 0.5;
  auto lr = kaon::linalg::LinearRegression<double>();
  REQUIRE_FALSE(kaon::linalg::LinearRegression<double>(false).fit(X, y).intercepts().item() != 0.0);
  lr.fit(X, y);
  REQUIRE(lr.coef().to_vector()[1] == Approx(2.0));
  REQUIRE(lr.intercept() == Approx(0.5));
  REQUIRE(lr.intercepts().dim() == 0);
  REQUIRE(lr.predict(X).shape() == kaon::Shape{6});
  REQUIRE(lr.score(X, y) == Approx(1.0));
  const auto labels = kaon::tensor({0, 0, 1, 1, 1, 0});
  auto clf = kaon::linalg::LogisticRegression<double>(0.5, true, 100);
  clf.fit(X, labels);
  REQUIRE(clf.coef().shape() == kaon::Shape{1, 2});
  REQUIRE(clf.intercept().shape() == kaon::Shape{1});
  REQUIRE(clf.classes().to_vector() == std::vector<std::int64_t>{0, 1});
  REQUIRE(clf.predict_proba(X).shape() == kaon::Shape{6, 2});
  REQUIRE(clf.predict(X).shape() == kaon::Shape{6});
  REQUIRE(clf.score(X, labels) >= 0.5);
}

TEST_CASE("porting table: metrics", "[api][porting]") {
  using namespace porting_table_test;
  const auto y = kaon::tensor<double>({1, 2, 3, 4});
  const auto p = kaon::tensor<double>({1.1, 1.9, 3.2, 3.9});
  REQUIRE(kaon::metrics::r2_score(y, p) == Approx(1 - 0.07 / 5.0));
  REQUIRE(kaon::metrics::r2_score_per_output(y, p).size() == 1);
  REQUIRE(kaon::metrics::mean_squared_error(y, p) == Approx(0.07 / 4));
  REQUIRE(kaon::metrics::mean_absolute_error(y, p) == Approx(0.125));
  const auto yc = kaon::tensor({0, 1, 2, 2, 1, 0});
  const auto pc = kaon::tensor({0, 2, 2, 2, 1, 0});
  REQUIRE(kaon::metrics::accuracy(yc, pc) == Approx(5.0 / 6));
  REQUIRE(kaon::metrics::confusion_matrix(yc, pc).select(0, 1).select(0, 2).item() == 1);
  REQUIRE(kaon::metrics::classification_report(yc, pc).labels.size() == 3);
  REQUIRE(kaon::metrics::precision_recall_f1(yc, pc, kaon::metrics::Average::weighted).recall ==
          Approx(5.0 / 6));
  const auto yb = kaon::tensor({0, 0, 1, 1});
  const auto pb = kaon::tensor({0, 1, 1, 1});
  REQUIRE(kaon::metrics::precision_recall_f1(yb, pb).precision == Approx(2.0 / 3));
  const auto s = kaon::tensor<double>({0.1, 0.4, 0.35, 0.8});
  const auto roc = kaon::metrics::roc_curve(yb, s);
  REQUIRE(roc.fpr.numel() == roc.tpr.numel());
  REQUIRE(kaon::metrics::roc_curve(yb, s, false).thresholds.numel() >= roc.thresholds.numel());
  REQUIRE(kaon::metrics::roc_auc(yb, s) == Approx(0.75));
  REQUIRE(kaon::metrics::auc(roc.fpr, roc.tpr) == Approx(0.75));
}

TEST_CASE("porting table: names added in this change", "[api][porting]") {
  using namespace porting_table_test;
  const auto x = kaon::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  REQUIRE(kaon::cumprod(x, 1).to_vector() == std::vector<float>{1, 2, 6, 4, 20, 120});
  REQUIRE(x.cumprod(0).to_vector() == std::vector<float>{1, 2, 3, 4, 10, 18});
  REQUIRE(x.quantile(0.5).item() == Approx(3.5));
  REQUIRE(x.quantile(0.9, 1, true).shape() == kaon::Shape{2, 1});

  kaon::manual_seed(5);
  const auto xb = kaon::randn({4, 3});
  auto bn = kaon::nn::BatchNorm1d<float>(3);
  REQUIRE(bn(xb).mean(0).abs().max().item() < 1e-5f);
  std::vector<std::string> names;
  for (const auto& entry : bn.state_dict()) names.push_back(entry.first);
  REQUIRE(std::count(names.begin(), names.end(), "running_mean") == 1);
  REQUIRE(std::count(names.begin(), names.end(), "running_var") == 1);
  REQUIRE(bn.state_dict().int64.at(0).first == "num_batches_tracked");
  REQUIRE(kaon::nn::BatchNorm1d<float>(3, 1e-3, 0.2).parameters().size() == 2);
  static_assert(std::is_same_v<kaon::f32::nn::BatchNorm1d, kaon::nn::BatchNorm1d<float>>);
  const auto rm = kaon::zeros({3}), rv = kaon::ones({3});
  const auto w3 = kaon::ones({3}), b3 = kaon::zeros({3});
  {
    const auto& x = xb;
    const auto y = kaon::nn::functional::batch_norm(x, rm, rv, w3, b3, true, 0.1, 1e-5);
    REQUIRE(y.mean(0).abs().max().item() < 1e-5f);
    REQUIRE(rm.abs().sum().item() > 0.0f);
  }

  const std::string path = KAON_TEST_DATA_DIR "/io/mixed.npz";
  const auto arrays = kaon::io::load_npz_mixed(path);
  REQUIRE(arrays.names().size() == 6);
  REQUIRE(arrays.dtype("event") == "int64");
  REQUIRE(arrays.get<float>("features").shape() == arrays.shape("features"));
  kaon_test::TempDir dir;
  const std::string out = dir.file("out.npz").string();
  kaon::io::save_npz(out, arrays);
  REQUIRE(kaon::io::load_npz_mixed(out).dtype("passed") == "bool");

  auto model = kaon::nn::Linear<float>(2, 1);
  auto opt = kaon::optim::SGD(model.parameters(), kaon::optim::SGDOptions(0.1).momentum(0.9));
  auto sched = kaon::optim::OneCycleLR<float>(opt, 0.1, 10);
  REQUIRE(sched.get_last_lr()[0] == Approx(0.1 / 25));
  for (int i = 0; i < 2; ++i) sched.step();
  REQUIRE(sched.get_last_lr()[0] == Approx(0.1));
  const auto ssd = sched.state_dict();
  sched.load_state_dict(ssd);
  REQUIRE(sched.last_epoch() == 2);
  REQUIRE(opt.momentum().has_value());
  opt.set_momentum(0, 0.9);
  REQUIRE(opt.momentum().value() == 0.9);
  const auto rng = kaon::get_rng_state();
  const auto draw = kaon::rand({2}).to_vector();
  kaon::set_rng_state(rng);
  REQUIRE(kaon::rand({2}).to_vector() == draw);
}
