// SPDX-License-Identifier: MIT
// The misuse suite: every public entry point called with bad input (shapes, dims, dtypes, empty
// tensors, NaN and inf where they mean nothing, wrong files and wrong state dicts). Each case
// must throw a kaon::Error whose message names the op and the offending value; any other
// exception, no exception or a crash fails it. The tables are grouped by area.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace misuse_entry_points_test {
using I64 = std::int64_t;
namespace nnf = kaon::nn::functional;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// One bad call and the substrings its kaon::Error message must hold: the op's name and the
/// offending value or shape.
struct MisuseCase {
  const char* name;
  std::function<void()> call;
  std::vector<std::string> must_contain;
};

/// Runs every case of a table; returns how many there were.
inline std::size_t run_misuse_cases(const std::vector<MisuseCase>& cases) {
  for (const auto& c : cases) {
    INFO("case: " << c.name);
    REQUIRE(c.must_contain.size() >= 2);  // the op and the offending value
    try {
      c.call();
      FAIL_CHECK("no exception");
    } catch (const kaon::Error& e) {
      const std::string message = e.what();
      INFO("message: " << message);
      for (const auto& part : c.must_contain) CHECK_THAT(message, Catch::Contains(part));
    } catch (const std::exception& e) {
      FAIL_CHECK("not a kaon::Error: " << e.what());
    } catch (...) {
      FAIL_CHECK("an exception that is not a std::exception");
    }
  }
  return cases.size();
}

/// A float leaf of `shape` that requires grad.
inline kaon::Tensor<float> leaf(const kaon::Shape& shape) {
  return kaon::ones(shape).requires_grad_();
}

/// The bytes of a version-1.0 .npy file with the given header dict and data.
inline std::string misuse_npy_image(const std::string& dict, const std::string& data, char major = 1) {
  std::string header = dict;
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += major;
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

inline void misuse_write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string misuse_read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A module with a registration helper reachable from the tests.
struct ProbeModule : kaon::nn::Module<float> {
  ProbeModule() : kaon::nn::Module<float>("ProbeModule") {}
  void add(const std::string& name) { register_parameter(name, kaon::zeros({2})); }
};

/// A small frame: a numeric column "a", a text column "s" and a numeric column "n" with a NA.
inline kaon::data::DataFrame small_frame() {
  return kaon::data::parse_csv("a,s,n\n1,x,1.5\n2,y,NA\n3,x,2\n", "small.csv");
}
}  // namespace misuse_entry_points_test

TEST_CASE("Misuse: element-wise ops and matmul refuse shapes that do not broadcast or fit",
          "[misuse]") {
  using namespace misuse_entry_points_test;
  const auto a23 = kaon::ones({2, 3});
  const auto a4 = kaon::ones({4});
  const auto i2 = kaon::tensor<I64>({2, 3});
  const std::vector<MisuseCase> cases = {
      {"add", [&] { (void)(a23 + a4); }, {"add", "[2, 3]", "[4]"}},
      {"sub", [&] { (void)(a23 - a4); }, {"sub", "[2, 3]", "[4]"}},
      {"mul", [&] { (void)(a23 * a4); }, {"mul", "[2, 3]", "[4]"}},
      {"div", [&] { (void)(a23 / a4); }, {"div", "[2, 3]", "[4]"}},
      {"eq", [&] { (void)(a23 == a4); }, {"eq", "[2, 3]", "[4]"}},
      {"lt", [&] { (void)(a23 < a4); }, {"lt", "[2, 3]", "[4]"}},
      {"ge", [&] { (void)(a23 >= a4); }, {"ge", "[2, 3]", "[4]"}},
      {"logical and", [&] { (void)((a23 > 0) & (a4 > 0)); }, {"and", "[2, 3]", "[4]"}},
      {"maximum", [&] { (void)kaon::maximum(a23, a4); }, {"maximum", "[2, 3]", "[4]"}},
      {"minimum", [&] { (void)kaon::minimum(a23, a4); }, {"minimum", "[2, 3]", "[4]"}},
      {"pow", [&] { (void)kaon::pow(a23, a4); }, {"pow", "[2, 3]", "[4]"}},
      {"atan2", [&] { (void)kaon::atan2(a23, a4); }, {"atan2", "[2, 3]", "[4]"}},
      {"hypot", [&] { (void)kaon::hypot(a23, a4); }, {"hypot", "[2, 3]", "[4]"}},
      {"fmod shapes", [&] { (void)kaon::fmod(a23, a4); }, {"fmod", "[2, 3]", "[4]"}},
      {"where", [&] { (void)kaon::where(a23 > 0, a23, a4); }, {"where", "[2, 3]", "[4]"}},
      {"in-place add to a smaller tensor",
       [&] {
         auto x = kaon::ones({3});
         x += kaon::ones({2, 3});
       },
       {"add_", "[2, 3]", "[3]"}},
      {"in-place add into an expanded tensor",
       [&] {
         auto x = kaon::ones({1}).expand({3});
         x += 1.0f;
       },
       {"add_", "[3]"}},
      {"pow of int64 by a negative exponent", [&] { (void)kaon::pow(i2, I64{-1}); }, {"pow", "-1"}},
      {"fmod of int64 by a tensor with a zero",
       [&] {
         (void)kaon::fmod(i2, kaon::tensor<I64>({1, 0}));
       },
       {"fmod", "division by zero", "[2]"}},
      {"mm of mismatched matrices",
       [] {
         (void)kaon::mm(kaon::ones({2, 3}), kaon::ones({4, 5}));
       },
       {"mm: inner dimensions differ", "[2, 3]", "[4, 5]"}},
      {"mm of a vector",
       [] {
         (void)kaon::mm(kaon::ones({3}), kaon::ones({3, 2}));
       },
       {"mm", "[3]"}},
      {"matmul of mismatched inner sizes",
       [] {
         (void)kaon::matmul(kaon::ones({2, 3}), kaon::ones({4}));
       },
       {"matmul", "[2, 3]", "[4]"}},
      {"matmul of a 0-d tensor",
       [] { (void)kaon::matmul(kaon::ones({}), kaon::ones({3})); },
       {"matmul", "[]"}},
      {"matmul of batches that do not broadcast",
       [] {
         (void)kaon::matmul(kaon::ones({2, 2, 3}), kaon::ones({3, 3, 4}));
       },
       {"matmul", "[2]", "[3]"}},
      {"addmm of mismatched matrices",
       [] {
         (void)kaon::addmm(kaon::ones({2, 2}), kaon::ones({2, 3}), kaon::ones({4, 2}));
       },
       {"addmm", "[2, 3]", "[4, 2]"}},
      {"addmm of an input that does not broadcast",
       [] {
         (void)kaon::addmm(kaon::ones({5}), kaon::ones({2, 3}), kaon::ones({3, 2}));
       },
       {"addmm", "[5]", "[2, 2]"}},
      {"masked_fill with a mask of another shape",
       [&] { (void)a23.masked_fill(kaon::ones<bool>({4}), 0.0); },
       {"masked_fill", "[4]", "[2, 3]"}},
      {"copy_ from another shape",
       [] { (void)kaon::zeros({2}).copy_(kaon::ones({3})); },
       {"copy_", "[3]", "[2]"}},
      {"in-place fill of a leaf that requires grad",
       [] { (void)leaf({2}).fill_(1.0f); },
       {"fill_", "[2]"}},
  };
  CHECK(run_misuse_cases(cases) == 29);
}

TEST_CASE("Misuse: views, indexing and joins refuse bad sizes, dims and indices", "[misuse]") {
  using namespace misuse_entry_points_test;
  const auto x = kaon::ones({2, 3});
  const auto x3 = kaon::ones({2, 3, 4});
  const std::vector<MisuseCase> cases = {
      {"reshape to another size", [&] { (void)x.reshape({4}); }, {"reshape", "[4]", "6"}},
      {"reshape with two -1",
       [&] {
         (void)x.reshape({-1, -1});
       },
       {"reshape", "[-1, -1]"}},
      {"reshape with -2",
       [&] {
         (void)x.reshape({-2, 3});
       },
       {"reshape", "-2"}},
      {"view of a transposed tensor", [&] { (void)x.t().view({6}); }, {"view", "[6]"}},
      {"flatten with start after end", [&] { (void)x3.flatten(2, 1); }, {"flatten", "2", "1"}},
      {"flatten past the last dim", [&] { (void)x3.flatten(0, 5); }, {"flatten", "5"}},
      {"squeeze past the last dim", [&] { (void)x.squeeze(3); }, {"squeeze", "3"}},
      {"unsqueeze past the end", [&] { (void)x.unsqueeze(4); }, {"unsqueeze", "4"}},
      {"transpose of a missing dim", [&] { (void)x.transpose(0, 2); }, {"transpose", "2"}},
      {"t of a 3-d tensor", [&] { (void)x3.t(); }, {"t:", "[2, 3, 4]"}},
      {"permute with too few dims", [&] { (void)x.permute({0}); }, {"permute", "[0]"}},
      {"permute with a repeated dim",
       [&] {
         (void)x.permute({0, 0});
       },
       {"permute", "dim 0"}},
      {"permute with a dim out of range",
       [&] {
         (void)x.permute({0, 2});
       },
       {"permute", "2"}},
      {"expand to fewer dims", [&] { (void)x.expand({3}); }, {"expand", "[3]"}},
      {"expand a size that is not 1",
       [&] {
         (void)x.expand({4, 3});
       },
       {"expand", "4"}},
      {"expand with -1 in a new dim",
       [] {
         (void)kaon::ones({3}).expand({-1, 3});
       },
       {"expand", "[-1, 3]"}},
      {"slice with step 0", [&] { (void)x.slice(1, 0, 2, 0); }, {"slice", "0"}},
      {"slice of a missing dim", [&] { (void)x.slice(2, 0, 1); }, {"slice", "2"}},
      {"select past the end", [&] { (void)x.select(1, 3); }, {"select", "3"}},
      {"select from a 0-d tensor", [] { (void)kaon::ones({}).select(0, 0); }, {"select", "0-d"}},
      {"operator[] past the end", [&] { (void)x[5]; }, {"select", "5"}},
      {"index_select past the end",
       [&] {
         (void)x.index_select(0, kaon::tensor<I64>({0, 5}));
       },
       {"index_select", "5"}},
      {"index_select with a 2-d index",
       [&] {
         (void)x.index_select(0, kaon::zeros<I64>({1, 1}));
       },
       {"index_select", "[1, 1]"}},
      {"index_select of a missing dim",
       [&] { (void)x.index_select(3, kaon::tensor<I64>({0})); },
       {"index_select", "3"}},
      {"masked_select with a mask of another shape",
       [&] { (void)x.masked_select(kaon::ones<bool>({4})); },
       {"masked_select", "[4]"}},
      {"boolean index of another shape", [&] { (void)x[kaon::ones<bool>({5})]; }, {"index", "[5]"}},
      {"integer index past the end",
       [&] {
         (void)x[kaon::tensor<I64>({0, 7})];
       },
       {"index", "7"}},
      {"index_put_ of values of another shape",
       [] {
         (void)kaon::zeros({3, 2}).index_put_(kaon::tensor<I64>({0}), kaon::ones({4}));
       },
       {"index_put_", "[4]"}},
      {"index_put_ with a mask of another shape",
       [] {
         (void)kaon::zeros({3, 2}).index_put_(kaon::ones<bool>({4}), kaon::ones({2}));
       },
       {"index_put_", "[4]"}},
      {"masked_fill_ with a mask of another shape",
       [] { (void)kaon::zeros({3}).masked_fill_(kaon::ones<bool>({2}), 1.0); },
       {"masked_fill_", "[2]"}},
      {"gather past the end",
       [&] {
         (void)kaon::gather(x, 1, kaon::tensor<I64>({{0}, {5}}));
       },
       {"gather", "5"}},
      {"gather with an index of fewer dims",
       [&] { (void)kaon::gather(x, 1, kaon::tensor<I64>({0})); },
       {"gather", "[1]"}},
      {"cat of no tensors",
       [] { (void)kaon::cat(std::vector<kaon::Tensor<float>>{}); },
       {"cat", "non-empty"}},
      {"cat of 0-d tensors",
       [] {
         (void)kaon::cat({kaon::ones({}), kaon::ones({})});
       },
       {"cat", "zero-dimensional"}},
      {"cat of mismatched sizes",
       [] {
         (void)kaon::cat({kaon::ones({2, 3}), kaon::ones({2, 4})}, 0);
       },
       {"cat", "[2, 4]"}},
      {"cat along a missing dim",
       [] {
         (void)kaon::cat({kaon::ones({2}), kaon::ones({2})}, 1);
       },
       {"cat", "1"}},
      {"stack of mismatched shapes",
       [] {
         (void)kaon::stack({kaon::ones({2}), kaon::ones({3})});
       },
       {"stack", "[3]"}},
      {"stack of no tensors",
       [] { (void)kaon::stack(std::vector<kaon::Tensor<float>>{}); },
       {"stack", "non-empty"}},
      {"unbind of a missing dim", [&] { (void)x.unbind(2); }, {"unbind", "2"}},
      {"tril of a vector", [] { (void)kaon::ones({3}).tril(); }, {"tril", "[3]"}},
      {"diag of a 3-d tensor",
       [] {
         (void)kaon::ones({2, 2, 2}).diag();
       },
       {"diag", "[2, 2, 2]"}},
      {"diff of negative order", [&] { (void)x.diff(-1); }, {"diff", "-1"}},
      {"diff of a 0-d tensor", [] { (void)kaon::ones({}).diff(); }, {"diff", "[]"}},
      {"item of many elements", [&] { (void)x.item(); }, {"item", "6"}},
      {"size of a missing dim", [&] { (void)x.size(5); }, {"size", "5"}},
      {"stride of a missing dim", [&] { (void)x.stride(-3); }, {"stride", "-3"}},
      {"an undefined tensor", [] { (void)kaon::Tensor<float>().shape(); }, {"Tensor", "undefined"}},
  };
  CHECK(run_misuse_cases(cases) == 47);
}

TEST_CASE("Misuse: reductions, sorting and histograms refuse bad dims, k, q and empty input",
          "[misuse]") {
  using namespace misuse_entry_points_test;
  const auto x = kaon::ones({2, 3});
  const auto none = kaon::ones({0});
  const std::vector<MisuseCase> cases = {
      {"sum over a missing dim", [&] { (void)x.sum(2); }, {"sum", "2"}},
      {"mean over a missing dim", [&] { (void)x.mean(-3); }, {"mean", "-3"}},
      {"prod over a missing dim", [&] { (void)x.prod(5); }, {"prod", "5"}},
      {"var over a missing dim", [&] { (void)x.var(2); }, {"var", "2"}},
      {"std over a missing dim", [&] { (void)x.std(3); }, {"std", "3"}},
      {"norm of negative order", [&] { (void)x.norm(-1); }, {"norm", "-1"}},
      {"norm of infinite order", [&] { (void)x.norm(kInf); }, {"norm", "inf"}},
      {"norm of NaN order", [&] { (void)x.norm(kNaN); }, {"norm", "nan"}},
      {"norm over a missing dim", [&] { (void)x.norm(2, 4); }, {"norm", "4"}},
      {"min of an empty tensor", [&] { (void)none.min(); }, {"min", "[0]"}},
      {"max of an empty tensor", [&] { (void)none.max(); }, {"max", "[0]"}},
      {"argmax of an empty tensor", [&] { (void)none.argmax(); }, {"argmax", "[0]"}},
      {"argmin over a missing dim", [&] { (void)x.argmin(2); }, {"argmin", "2"}},
      {"max over a missing dim", [&] { (void)x.max(-4); }, {"max", "-4"}},
      {"all over a missing dim", [&] { (void)x.all(3); }, {"all", "3"}},
      {"any over a missing dim", [&] { (void)x.any(-3); }, {"any", "-3"}},
      {"sort over a missing dim", [&] { (void)x.sort(2); }, {"sort", "2"}},
      {"argsort over a missing dim", [&] { (void)x.argsort(-3); }, {"argsort", "-3"}},
      {"topk of more than the size", [&] { (void)x.topk(5); }, {"topk", "5"}},
      {"kthvalue of k = 0", [&] { (void)x.kthvalue(0); }, {"kthvalue", "0"}},
      {"quantile of q > 1", [&] { (void)x.quantile(1.5); }, {"quantile", "1.5"}},
      {"quantile of q NaN", [&] { (void)x.quantile(kNaN); }, {"quantile", "nan"}},
      {"quantile of an empty tensor", [&] { (void)none.quantile(0.5); }, {"quantile", "[0]"}},
      {"cumsum over a missing dim", [&] { (void)x.cumsum(2); }, {"cumsum", "2"}},
      {"cumprod over a missing dim", [&] { (void)x.cumprod(-3); }, {"cumprod", "-3"}},
      {"softmax over a missing dim", [&] { (void)nnf::softmax(x, 2); }, {"softmax", "2"}},
      {"log_softmax over a missing dim",
       [&] { (void)nnf::log_softmax(x, -3); },
       {"log_softmax", "-3"}},
      {"histc with no bins", [&] { (void)kaon::histc(x, 0); }, {"histc", "0"}},
      {"histc with min above max", [&] { (void)kaon::histc(x, 4, 2.0, 1.0); }, {"histc", "2"}},
      {"histc with an infinite range",
       [&] { (void)kaon::histc(x, 4, 0.0, kInf); },
       {"histc", "inf"}},
      {"histogram with 2-d edges",
       [&] {
         (void)kaon::histogram(x, kaon::ones({2, 2}));
       },
       {"histogram", "[2, 2]"}},
      {"histogram with -1 bins", [&] { (void)kaon::histogram(x, I64{-1}); }, {"histogram", "-1"}},
      {"histogram with weights of another shape",
       [&] {
         (void)kaon::histogram(x, kaon::tensor({0.0f, 1.0f, 2.0f}), kaon::ones({3}));
       },
       {"histogram", "[3]"}},
      {"one_hot with num_classes -2",
       [] {
         (void)nnf::one_hot(kaon::tensor<I64>({0, 1}), -2);
       },
       {"one_hot", "-2"}},
      {"one_hot of a negative class",
       [] {
         (void)nnf::one_hot(kaon::tensor<I64>({0, -1}));
       },
       {"one_hot", "-1"}},
      {"one_hot of a class past num_classes",
       [] {
         (void)nnf::one_hot(kaon::tensor<I64>({0, 3}), 3);
       },
       {"one_hot", "3"}},
  };
  CHECK(run_misuse_cases(cases) == 36);
}

TEST_CASE("Misuse: factories refuse negative sizes, bad ranges and ragged lists", "[misuse]") {
  using namespace misuse_entry_points_test;
  const std::vector<MisuseCase> cases = {
      {"zeros of a negative size",
       [] {
         (void)kaon::zeros({-1, 2});
       },
       {"zeros", "[-1, 2]"}},
      {"ones of a negative size",
       [] {
         (void)kaon::ones({2, -3});
       },
       {"ones", "[2, -3]"}},
      {"full of a negative size", [] { (void)kaon::full({-4}, 1.0f); }, {"full", "[-4]"}},
      {"empty of a negative size", [] { (void)kaon::empty({-5}); }, {"empty", "[-5]"}},
      {"rand of a negative size", [] { (void)kaon::rand({-2}); }, {"rand", "[-2]"}},
      {"randn of a negative size",
       [] {
         (void)kaon::randn({3, -1});
       },
       {"randn", "[3, -1]"}},
      {"a shape of 9 dims",
       [] {
         (void)kaon::zeros({1, 1, 1, 1, 1, 1, 1, 1, 1});
       },
       {"Shape", "9"}},
      {"arange with step 0", [] { (void)kaon::arange(0.0, 1.0, 0.0); }, {"arange", "step"}},
      {"arange running away from its end",
       [] { (void)kaon::arange(5.0, 0.0, 1.0); },
       {"arange", "0", "5"}},
      {"linspace with -1 steps", [] { (void)kaon::linspace(0, 1, -1); }, {"linspace", "-1"}},
      {"eye of size -1", [] { (void)kaon::eye(-1); }, {"eye", "-1"}},
      {"eye with -3 columns", [] { (void)kaon::eye(2, -3); }, {"eye", "-3"}},
      {"randint with low >= high", [] { (void)kaon::randint(5, 5, {2}); }, {"randint", "5"}},
      {"randperm of -1", [] { (void)kaon::randperm(-1); }, {"randperm", "-1"}},
      {"set_rng_state of the wrong shape",
       [] { kaon::set_rng_state(kaon::zeros<I64>({3})); },
       {"set_rng_state", "[3]"}},
      {"from_vector with too few values",
       [] {
         (void)kaon::from_vector<float>({1, 2, 3}, {2, 2});
       },
       {"from_vector", "[2, 2]", "3"}},
      {"tensor of ragged rows",
       [] {
         (void)kaon::tensor({{1.0f, 2.0f}, {3.0f}});
       },
       {"tensor", "1"}},
      {"tensor of ragged blocks",
       [] {
         (void)kaon::tensor({{{1.0f, 2.0f}}, {{3.0f}, {4.0f}}});
       },
       {"tensor", "[2, 1]"}},
      {"zeros of a shape past int64's range",
       [] {
         (void)kaon::zeros({I64{1} << 40, I64{1} << 40});
       },
       {"zeros", "1099511627776"}},
  };
  CHECK(run_misuse_cases(cases) == 19);
}

TEST_CASE("Misuse: autograd refuses what it cannot differentiate", "[misuse]") {
  using namespace misuse_entry_points_test;
  const std::vector<MisuseCase> cases = {
      {"backward of a non-scalar without a gradient",
       [] { (leaf({2}) * 2.0f).backward(); },
       {"backward", "[2]"}},
      {"backward of a tensor that does not require grad",
       [] { kaon::ones({1}).backward(); },
       {"backward", "does not require grad", "[1]"}},
      {"backward with a gradient of the wrong shape",
       [] { (leaf({2}) * 2.0f).backward(kaon::ones({3})); },
       {"backward", "[3]", "[2]"}},
      {"backward twice without retain_graph",
       [] {
         const auto x = leaf({2});
         const auto y = (x * x).sum();
         y.backward();
         y.backward();
       },
       {"backward", "second time"}},
      {"grad of an input that does not require grad",
       [] {
         const auto x = leaf({2});
         (void)kaon::autograd::grad({(x * 2.0f).sum()}, {kaon::ones({2})});
       },
       {"grad: input 0", "[2]"}},
      {"grad of an unused input",
       [] {
         const auto x = leaf({2}), unused = leaf({3});
         (void)kaon::autograd::grad({(x * 2.0f).sum()}, {x, unused});
       },
       {"grad: input 1", "[3]"}},
      {"grad with more grad_outputs than outputs",
       [] {
         const auto x = leaf({2});
         (void)kaon::autograd::grad({(x * 2.0f).sum()}, {x}, {kaon::ones({}), kaon::ones({})});
       },
       {"grad", "2 grad_outputs"}},
      {"autograd::backward with fewer grad_outputs than outputs",
       [] {
         const auto x = leaf({2});
         kaon::autograd::backward({x * 2.0f, x * 3.0f}, {kaon::ones({2})});
       },
       {"backward", "1 grad_outputs", "2 outputs"}},
      {"double backward without create_graph",
       [] {
         const auto x = leaf({2});
         const auto g = kaon::autograd::grad({(x * x).sum()}, {x})[0];
         g.sum().backward();
       },
       {"backward", "does not require grad"}},
      {"set_grad of the wrong shape",
       [] { leaf({2}).set_grad(kaon::ones({3})); },
       {"set_grad", "[3]"}},
      {"retain_grad of a tensor that does not require grad",
       [] { (void)kaon::ones({2}).retain_grad(); },
       {"retain_grad", "[2]"}},
      {"requires_grad_ of a computed tensor",
       [] { (void)(leaf({2}) * 2.0f).requires_grad_(); },
       {"requires_grad_", "Mul"}},
      {"hessian of a function with many outputs",
       [] {
         (void)kaon::autograd::functional::hessian(
             [](const kaon::Tensor<double>& z) { return z * z; }, kaon::ones<double>({2}));
       },
       {"hessian", "[2]"}},
      {"in-place add to a computed tensor that requires grad",
       [] {
         auto a = leaf({2}) * 1.0f;
         a += 1.0f;
       },
       {"add_", "[2]"}},
      {"lstsq of tensors that require grad",
       [] {
         (void)kaon::linalg::lstsq(leaf({3, 2}), kaon::ones({3}));
       },
       {"lstsq", "grad"}},
  };
  CHECK(run_misuse_cases(cases) == 15);
}

TEST_CASE("Misuse: nn modules, init and losses refuse bad options, inputs and state dicts",
          "[misuse][nn]") {
  using namespace misuse_entry_points_test;
  const std::vector<MisuseCase> cases = {
      {"Linear with 0 in_features", [] { kaon::nn::Linear<float>(0, 3); }, {"Linear", "0"}},
      {"Linear with -2 out_features", [] { kaon::nn::Linear<float>(3, -2); }, {"Linear", "-2"}},
      {"Linear on the wrong number of features",
       [] {
         (void)kaon::nn::Linear<float>(3, 2)(kaon::ones({4, 5}));
       },
       {"Linear", "[4, 5]", "3"}},
      {"Linear on a 0-d input",
       [] { (void)kaon::nn::Linear<float>(3, 2)(kaon::ones({})); },
       {"Linear", "[]"}},
      {"load_state_dict with a missing key",
       [] {
         kaon::nn::Linear<float> layer(2, 2);
         auto state = layer.state_dict();
         state.pop_back();
         layer.load_state_dict(state);
       },
       {"load_state_dict", "missing", "bias"}},
      {"load_state_dict with an unexpected key",
       [] {
         kaon::nn::Linear<float> layer(2, 2);
         auto state = layer.state_dict();
         state.emplace_back("extra", kaon::ones({1}));
         layer.load_state_dict(state);
       },
       {"load_state_dict", "unexpected", "extra"}},
      {"load_state_dict with a wrong shape",
       [] {
         kaon::nn::Linear<float> layer(2, 2);
         auto state = layer.state_dict();
         state[0].second = kaon::ones({3, 3});
         layer.load_state_dict(state);
       },
       {"load_state_dict", "weight", "[3, 3]", "[2, 2]"}},
      {"load_state_dict of a fractional int64 buffer",
       [] {
         kaon::nn::BatchNorm1d<float> bn(2);
         kaon::io::NamedTensors<float> state;
         for (const auto& [name, t] : bn.state_dict()) state.emplace_back(name, t.clone());
         state.emplace_back("num_batches_tracked", kaon::full<float>(kaon::Shape{}, 1.5f));
         bn.load_state_dict(state);
       },
       {"load_state_dict", "num_batches_tracked", "1.5"}},
      {"BatchNorm1d with 0 features",
       [] { kaon::nn::BatchNorm1d<float>(0); },
       {"BatchNorm1d", "0"}},
      {"BatchNorm1d on a 4-d input",
       [] {
         (void)kaon::nn::BatchNorm1d<float>(3)(kaon::ones({2, 3, 4, 5}));
       },
       {"batch_norm", "[2, 3, 4, 5]"}},
      {"BatchNorm1d on the wrong number of channels",
       [] {
         (void)kaon::nn::BatchNorm1d<float>(3)(kaon::ones({2, 4}));
       },
       {"batch_norm", "[4]"}},
      {"BatchNorm1d training on one value per channel",
       [] {
         (void)kaon::nn::BatchNorm1d<float>(3)(kaon::ones({1, 3}));
       },
       {"batch_norm", "1"}},
      {"batch_norm in eval mode without running statistics",
       [] {
         (void)nnf::batch_norm(kaon::ones({2, 3}), {}, {});
       },
       {"batch_norm", "running"}},
      {"batch_norm with running_mean but no running_var",
       [] {
         (void)nnf::batch_norm(kaon::ones({2, 3}), kaon::zeros({3}), {});
       },
       {"batch_norm", "running_var"}},
      {"LayerNorm on a mismatched trailing shape",
       [] {
         (void)kaon::nn::LayerNorm<float>({4})(kaon::ones({2, 3}));
       },
       {"layer_norm", "[2, 3]", "[4]"}},
      {"LayerNorm of an empty normalized_shape",
       [] { kaon::nn::LayerNorm<float>(kaon::Shape{}); },
       {"LayerNorm", "[]"}},
      {"Dropout with p > 1", [] { kaon::nn::Dropout<float>(1.5); }, {"Dropout", "1.5"}},
      {"Dropout with p < 0", [] { kaon::nn::Dropout<float>(-0.1); }, {"Dropout", "-0.1"}},
      {"Dropout with p NaN", [] { (void)kaon::nn::Dropout<float>(kNaN); }, {"Dropout", "nan"}},
      {"GELU with an unknown approximation",
       [] { kaon::nn::GELU<float>("fast"); },
       {"GELU", "fast"}},
      {"gelu with an unknown approximation",
       [] { (void)nnf::gelu(kaon::ones({2}), "fast"); },
       {"gelu", "fast"}},
      {"Softmax over a missing dim",
       [] {
         (void)kaon::nn::Softmax<float>(3)(kaon::ones({2, 2}));
       },
       {"softmax", "3"}},
      {"Flatten with start after end",
       [] {
         (void)kaon::nn::Flatten<float>(2, 0)(kaon::ones({2, 3, 4}));
       },
       {"flatten", "2", "0"}},
      {"Sequential index past the end",
       [] {
         kaon::nn::Sequential<float> seq(kaon::nn::Linear<float>(2, 2), kaon::nn::ReLU<float>());
         (void)seq[5];
       },
       {"Sequential", "5"}},
      {"Sequential at of the wrong type",
       [] {
         kaon::nn::Sequential<float> seq(kaon::nn::Linear<float>(2, 2), kaon::nn::ReLU<float>());
         (void)seq.at<kaon::nn::Linear<float>>(1);
       },
       {"Sequential", "ReLU"}},
      {"register_parameter with a dotted name",
       [] { ProbeModule().add("a.b"); },
       {"register", "a.b"}},
      {"register_parameter twice under one name",
       [] {
         ProbeModule m;
         m.add("w");
         m.add("w");
       },
       {"register", "w"}},
      {"MLP without hidden layers", [] { kaon::nn::MLP<float>(3, {}); }, {"MLP", "hidden"}},
      {"kaiming_uniform_ of a vector",
       [] {
         auto w = kaon::ones({3});
         kaon::nn::init::kaiming_uniform_(w);
       },
       {"fan in", "[3]"}},
      {"kaiming_normal_ with mode fan_avg",
       [] {
         auto w = kaon::ones({3, 3});
         kaon::nn::init::kaiming_normal_(w, 0, "fan_avg");
       },
       {"fan_avg", "mode"}},
      {"xavier_uniform_ of a vector",
       [] {
         auto w = kaon::ones({3});
         kaon::nn::init::xavier_uniform_(w);
       },
       {"fan", "[3]"}},
      {"orthogonal_ of a vector",
       [] {
         auto w = kaon::ones({3});
         kaon::nn::init::orthogonal_(w);
       },
       {"orthogonal_", "[3]"}},
      {"calculate_gain of an unknown nonlinearity",
       [] { (void)kaon::nn::init::calculate_gain("swish"); },
       {"calculate_gain", "swish"}},
      {"uniform_ with a above b",
       [] {
         auto w = kaon::ones({3});
         kaon::nn::init::uniform_(w, 1.0, 0.0);
       },
       {"uniform_", "1", "0"}},
      {"normal_ with a negative std",
       [] {
         auto w = kaon::ones({3});
         kaon::nn::init::normal_(w, 0.0, -1.0);
       },
       {"normal_", "-1"}},
      {"clip_grad_value_ with a negative clip value",
       [] { kaon::nn::utils::clip_grad_value_({leaf({2})}, -1.0); },
       {"clip_grad_value_", "-1"}},
      {"clip_grad_norm_ of an infinite gradient with error_if_nonfinite",
       [] {
         auto p = leaf({2});
         p.set_grad(kaon::full({2}, std::numeric_limits<float>::infinity()));
         (void)kaon::nn::utils::clip_grad_norm_({p}, 1.0, 2.0, true);
       },
       {"clip_grad_norm_", "inf"}},
  };
  CHECK(run_misuse_cases(cases) == 37);
}

TEST_CASE("Misuse: losses refuse mismatched shapes, bad targets and bad options", "[misuse][nn]") {
  using namespace misuse_entry_points_test;
  const auto in2 = kaon::tensor({0.2f, 0.7f});
  const auto in3 = kaon::tensor({0.2f, 0.7f, 0.1f});
  const auto logits = kaon::zeros({2, 3});
  const std::vector<MisuseCase> cases = {
      {"mse_loss of mismatched shapes",
       [&] { (void)nnf::mse_loss(in2, in3); },
       {"mse_loss", "[2]", "[3]"}},
      {"l1_loss of mismatched shapes",
       [&] { (void)nnf::l1_loss(in2, in3); },
       {"l1_loss", "[2]", "[3]"}},
      {"smooth_l1_loss of mismatched shapes",
       [&] { (void)nnf::smooth_l1_loss(in2, in3); },
       {"smooth_l1_loss", "[2]", "[3]"}},
      {"smooth_l1_loss with negative beta",
       [&] { (void)nnf::smooth_l1_loss(in2, in2, kaon::nn::Reduction::Mean, -1.0); },
       {"smooth_l1_loss", "-1"}},
      {"binary_cross_entropy of mismatched shapes",
       [&] { (void)nnf::binary_cross_entropy(in2, in3); },
       {"binary_cross_entropy", "[2]", "[3]"}},
      {"binary_cross_entropy_with_logits of mismatched shapes",
       [&] { (void)nnf::binary_cross_entropy_with_logits(in2, in3); },
       {"binary_cross_entropy_with_logits", "[2]", "[3]"}},
      {"nll_loss of a class past the last",
       [&] {
         (void)nnf::nll_loss(logits, kaon::tensor<I64>({0, 5}));
       },
       {"nll_loss", "5", "3 classes"}},
      {"nll_loss of a negative class",
       [&] {
         (void)nnf::nll_loss(logits, kaon::tensor<I64>({-1, 0}));
       },
       {"nll_loss", "-1"}},
      {"nll_loss of a 1-d input",
       [&] {
         (void)nnf::nll_loss(in2, kaon::tensor<I64>({0, 1}));
       },
       {"nll_loss", "[2]"}},
      {"nll_loss with a target of another length",
       [&] {
         (void)nnf::nll_loss(logits, kaon::tensor<I64>({0, 1, 2}));
       },
       {"nll_loss", "[2, 3]", "[3]"}},
      {"nll_loss with a weight of another length",
       [&] {
         (void)nnf::nll_loss(logits, kaon::tensor<I64>({0, 1}), kaon::ones({2}));
       },
       {"nll_loss", "[2]", "3 classes"}},
      {"cross_entropy of a class past the last",
       [&] {
         (void)nnf::cross_entropy(logits, kaon::tensor<I64>({0, 3}));
       },
       {"cross_entropy", "3"}},
      {"cross_entropy against probabilities of another shape",
       [&] {
         (void)nnf::cross_entropy(logits, kaon::ones({2, 4}));
       },
       {"cross_entropy", "[2, 3]", "[2, 4]"}},
      {"CrossEntropyLoss of a 3-d input",
       [] {
         (void)kaon::nn::CrossEntropyLoss<float>()(kaon::zeros({2, 3, 4}),
                                                   kaon::tensor<I64>({0, 1}));
       },
       {"cross_entropy", "[2, 3, 4]"}},
      {"MSELoss of mismatched shapes",
       [&] { (void)kaon::nn::MSELoss<float>()(in2, in3); },
       {"mse_loss", "[2]", "[3]"}},
      {"BCEWithLogitsLoss of mismatched shapes",
       [&] { (void)kaon::nn::BCEWithLogitsLoss<float>()(in2, in3); },
       {"binary_cross_entropy_with_logits", "[3]"}},
  };
  CHECK(run_misuse_cases(cases) == 16);
}

TEST_CASE("Misuse: optimisers refuse bad options and bad state dicts", "[misuse][optim]") {
  using namespace misuse_entry_points_test;
  namespace optim = kaon::optim;
  const auto p = leaf({3});
  const std::vector<MisuseCase> cases = {
      {"SGD with a negative lr", [&] { optim::SGD<float>({p}, -1.0); }, {"SGD", "-1"}},
      {"SGD with lr NaN", [&] { optim::SGD<float>({p}, kNaN); }, {"SGD", "nan"}},
      {"SGD with a negative momentum",
       [&] { optim::SGD<float>({p}, optim::SGDOptions(0.1).momentum(-0.5)); },
       {"SGD", "momentum", "-0.5"}},
      {"SGD with a negative weight_decay",
       [&] { optim::SGD<float>({p}, optim::SGDOptions(0.1).weight_decay(-1)); },
       {"SGD", "weight_decay", "-1"}},
      {"SGD with Nesterov and no momentum",
       [&] { optim::SGD<float>({p}, optim::SGDOptions(0.1).nesterov(true)); },
       {"SGD", "Nesterov", "momentum"}},
      {"SGD over no parameters",
       [] { optim::SGD<float>(std::vector<kaon::Tensor<float>>{}, 0.1); },
       {"SGD", "empty parameter list"}},
      {"SGD over a computed tensor",
       [&] { optim::SGD<float>({p * 2.0f}, 0.1); },
       {"SGD", "leaf", "[3]"}},
      {"Adam with beta1 = 1",
       [&] {
         optim::Adam<float>({p}, optim::AdamOptions(0.1).betas({1.0, 0.999}));
       },
       {"Adam", "index 0", "1"}},
      {"Adam with a negative beta2",
       [&] {
         optim::Adam<float>({p}, optim::AdamOptions(0.1).betas({0.9, -0.1}));
       },
       {"Adam", "index 1", "-0.1"}},
      {"Adam with a negative eps",
       [&] { optim::Adam<float>({p}, optim::AdamOptions(0.1).eps(-1)); },
       {"Adam", "epsilon", "-1"}},
      {"Adam with lr NaN",
       [&] { optim::Adam<float>({p}, optim::AdamOptions(kNaN)); },
       {"Adam", "nan"}},
      {"AdamW with a negative weight_decay",
       [&] { optim::AdamW<float>({p}, optim::AdamWOptions(0.1).weight_decay(-1)); },
       {"AdamW", "weight_decay", "-1"}},
      {"Adagrad with a negative lr_decay",
       [&] { optim::Adagrad<float>({p}, optim::AdagradOptions(0.1).lr_decay(-1)); },
       {"Adagrad", "lr_decay", "-1"}},
      {"Adagrad with a negative eps",
       [&] { optim::Adagrad<float>({p}, optim::AdagradOptions(0.1).eps(-2)); },
       {"Adagrad", "epsilon", "-2"}},
      {"RMSprop with a negative alpha",
       [&] { optim::RMSprop<float>({p}, optim::RMSpropOptions(0.1).alpha(-1)); },
       {"RMSprop", "alpha", "-1"}},
      {"RMSprop with a negative momentum",
       [&] { optim::RMSprop<float>({p}, optim::RMSpropOptions(0.1).momentum(-3)); },
       {"RMSprop", "momentum", "-3"}},
      {"Rprop with etas the wrong way round",
       [&] {
         optim::Rprop<float>({p}, optim::RpropOptions(0.1).etas({1.5, 1.2}));
       },
       {"Rprop", "1.5", "1.2"}},
      {"Rprop with step sizes the wrong way round",
       [&] {
         optim::Rprop<float>({p}, optim::RpropOptions(0.1).step_sizes({1.0, 0.25}));
       },
       {"Rprop", "0.25"}},
      {"LBFGS with a negative lr",
       [&] { optim::LBFGS<float>({p}, optim::LBFGSOptions(-1)); },
       {"LBFGS", "-1"}},
      {"LBFGS with max_iter 0",
       [&] { optim::LBFGS<float>({p}, optim::LBFGSOptions(1).max_iter(0)); },
       {"LBFGS", "0"}},
      {"LBFGS over a tensor that does not require grad",
       [] { optim::LBFGS<float>({kaon::ones({2})}); },
       {"LBFGS", "[2]"}},
      {"set_lr to a negative rate",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         opt.set_lr(-0.5);
       },
       {"SGD", "-0.5"}},
      {"lr of a missing group",
       [&] { (void)optim::SGD<float>({p}, 0.1).lr(3); },
       {"SGD", "group 3"}},
      {"set_momentum of Adam to 1",
       [&] {
         optim::Adam<float> opt({p});
         opt.set_momentum(0, 1.0);
       },
       {"Adam", "set_momentum", "1"}},
      {"set_momentum of an optimiser without momentum",
       [&] {
         optim::Adagrad<float> opt({p});
         opt.set_momentum(0, 0.5);
       },
       {"set_momentum", "Adagrad"}},
      {"load_state_dict with an unknown key",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         auto state = opt.state_dict();
         state.emplace_back("foo", kaon::ones({}));
         opt.load_state_dict(state);
       },
       {"SGD", "load_state_dict", "foo"}},
      {"load_state_dict with an lr that is not 0-d",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         opt.load_state_dict({{"lr", kaon::ones({2})}});
       },
       {"SGD", "\"lr\"", "[2]"}},
      {"load_state_dict without lr",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         opt.load_state_dict({});
       },
       {"SGD", "load_state_dict", "\"lr\""}},
      {"load_state_dict for a missing parameter",
       [&] {
         optim::Adam<float> opt({p});
         opt.load_state_dict({{"lr", kaon::ones({})}, {"state.5.exp_avg", kaon::zeros({3})}});
       },
       {"Adam", "state.5.exp_avg", "5"}},
      {"load_state_dict with a negative step",
       [&] {
         optim::Adam<float> opt({p});
         opt.load_state_dict({{"lr", kaon::ones({})},
                              {"state.0.step", kaon::full<float>(kaon::Shape{}, -1.0f)},
                              {"state.0.exp_avg", kaon::zeros({3})},
                              {"state.0.exp_avg_sq", kaon::zeros({3})}});
       },
       {"Adam", "step", "-1"}},
      {"load_state_dict for a missing parameter group",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         opt.load_state_dict({{"lr", kaon::ones({})}, {"param_groups.2.lr", kaon::ones({})}});
       },
       {"SGD", "param_groups.2.lr", "2"}},
      {"LBFGS load_state_dict with an unknown key",
       [&] {
         optim::LBFGS<float> opt({p});
         opt.load_state_dict({{"history", kaon::ones({})}});
       },
       {"LBFGS", "history"}},
      {"LBFGS load_state_dict with a negative lr",
       [&] {
         optim::LBFGS<float> opt({p});
         opt.load_state_dict({{"lr", kaon::full<float>(kaon::Shape{}, -2.0f)}});
       },
       {"LBFGS", "-2"}},
  };
  CHECK(run_misuse_cases(cases) == 33);
}

TEST_CASE("Misuse: learning-rate schedulers refuse bad options and bad state dicts",
          "[misuse][optim]") {
  using namespace misuse_entry_points_test;
  namespace optim = kaon::optim;
  const auto p = leaf({3});
  auto d0 = [](double v) { return kaon::full<double>(kaon::Shape{}, v); };
  const std::vector<MisuseCase> cases = {
      {"StepLR with step_size 0",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::StepLR<float> s(opt, 0);
       },
       {"StepLR", "0"}},
      {"LinearLR with start_factor 0",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::LinearLR<float> s(opt, 0.0);
       },
       {"LinearLR", "start_factor", "0"}},
      {"LinearLR with end_factor 1.5",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::LinearLR<float> s(opt, 0.5, 1.5);
       },
       {"LinearLR", "end_factor", "1.5"}},
      {"CosineAnnealingLR with T_max -1",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::CosineAnnealingLR<float> s(opt, -1);
       },
       {"CosineAnnealingLR", "-1"}},
      {"OneCycleLR with total_steps 0",
       [&] {
         optim::SGD<float> opt({p}, optim::SGDOptions(0.1).momentum(0.9));
         optim::OneCycleLR<float> s(opt, 1.0, 0);
       },
       {"OneCycleLR", "total_steps", "0"}},
      {"OneCycleLR with pct_start 1.5",
       [&] {
         optim::SGD<float> opt({p}, optim::SGDOptions(0.1).momentum(0.9));
         optim::OneCycleLR<float> s(opt, 1.0, 10, 1.5);
       },
       {"OneCycleLR", "pct_start", "1.5"}},
      {"OneCycleLR with an unknown anneal strategy",
       [&] {
         optim::SGD<float> opt({p}, optim::SGDOptions(0.1).momentum(0.9));
         optim::OneCycleLR<float> s(opt, 1.0, 10, 0.3, "cosine");
       },
       {"OneCycleLR", "cosine"}},
      {"OneCycleLR cycling the momentum of Adagrad",
       [&] {
         optim::Adagrad<float> opt({p});
         optim::OneCycleLR<float> s(opt, 1.0, 10);
       },
       {"OneCycleLR", "cycle_momentum"}},
      {"OneCycleLR stepped past total_steps",
       [&] {
         optim::SGD<float> opt({p}, optim::SGDOptions(0.1).momentum(0.9));
         optim::OneCycleLR<float> s(opt, 1.0, 2);
         for (int i = 0; i < 3; ++i) s.step();
       },
       {"OneCycleLR", "total steps is 2"}},
      {"ReduceLROnPlateau with factor 1",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::ReduceLROnPlateau<float> s(opt, optim::ReduceLROnPlateauOptions().factor(1.0));
       },
       {"ReduceLROnPlateau", "factor", "1"}},
      {"StepLR load_state_dict with an unexpected key",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::StepLR<float> s(opt, 2);
         auto state = s.state_dict();
         state.emplace_back("gamma", d0(0.5));
         s.load_state_dict(state);
       },
       {"load_state_dict", "gamma"}},
      {"StepLR load_state_dict without base_lrs",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::StepLR<float> s(opt, 2);
         s.load_state_dict({{"last_epoch", d0(1)}});
       },
       {"load_state_dict", "base_lrs"}},
      {"ExponentialLR load_state_dict with base_lrs of two groups",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::ExponentialLR<float> s(opt, 0.5);
         s.load_state_dict({{"last_epoch", d0(1)}, {"base_lrs", kaon::ones<double>({2})}});
       },
       {"load_state_dict", "base_lrs", "[2]"}},
      {"StepLR load_state_dict with a fractional last_epoch",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::StepLR<float> s(opt, 2);
         s.load_state_dict({{"last_epoch", d0(1.5)}, {"base_lrs", kaon::ones<double>({1})}});
       },
       {"last_epoch", "1.5"}},
      {"OneCycleLR load_state_dict past total_steps",
       [&] {
         optim::SGD<float> opt({p}, optim::SGDOptions(0.1).momentum(0.9));
         optim::OneCycleLR<float> s(opt, 1.0, 4);
         s.load_state_dict({{"last_epoch", d0(9)}});
       },
       {"OneCycleLR", "9", "4"}},
      {"ReduceLROnPlateau load_state_dict with best NaN",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::ReduceLROnPlateau<float> s(opt);
         s.load_state_dict(
             {{"best", d0(kNaN)}, {"num_bad_epochs", d0(0)}, {"cooldown_counter", d0(0)}});
       },
       {"ReduceLROnPlateau", "NaN"}},
      {"ReduceLROnPlateau load_state_dict with a negative counter",
       [&] {
         optim::SGD<float> opt({p}, 0.1);
         optim::ReduceLROnPlateau<float> s(opt);
         s.load_state_dict(
             {{"best", d0(1)}, {"num_bad_epochs", d0(-2)}, {"cooldown_counter", d0(0)}});
       },
       {"ReduceLROnPlateau", "num_bad_epochs", "-2"}},
  };
  CHECK(run_misuse_cases(cases) == 17);
}

TEST_CASE("Misuse: data loading, frames, splits and scalers refuse bad input", "[misuse][data]") {
  using namespace misuse_entry_points_test;
  namespace data = kaon::data;
  const kaon_test::TempDir dir("kaon-misuse-data");
  const auto x = kaon::ones({3, 2});
  const auto y = kaon::ones({4});
  const auto df = small_frame();
  const std::vector<MisuseCase> cases = {
      {"DataLoader with batch_size 0",
       [&] { data::DataLoader loader(data::TensorDataset(x, kaon::ones({3})), {.batch_size = 0}); },
       {"DataLoader", "batch_size", "0"}},
      {"DataLoader with batch_size -3",
       [&] {
         data::DataLoader loader(data::TensorDataset(x, kaon::ones({3})), {.batch_size = -3});
       },
       {"DataLoader", "-3"}},
      {"TensorDataset of mismatched rows",
       [&] { data::TensorDataset ds(x, y); },
       {"TensorDataset", "[3, 2]", "[4]"}},
      {"TensorDataset of a 0-d target",
       [&] { data::TensorDataset ds(x, kaon::ones({})); },
       {"TensorDataset", "[]"}},
      {"TensorDataset row past the end",
       [&] { (void)data::TensorDataset(x, kaon::ones({3}))[10]; },
       {"TensorDataset", "10", "3 rows"}},
      {"DataLoader load_state_dict of a position past the pass",
       [&] {
         data::DataLoader loader(data::TensorDataset(x, kaon::ones({3})), {.batch_size = 2});
         loader.load_state_dict({{"batches", kaon::full<std::int64_t>({}, 7)},
                                 {"order", kaon::zeros<std::int64_t>({0})},
                                 {"offset", kaon::zeros<std::int64_t>({})}});
       },
       {"DataLoader", "\"batches\" is 7"}},
      {"DataLoader load_state_dict of an order that is no permutation",
       [&] {
         data::DataLoader loader(data::TensorDataset(x, kaon::ones({3})),
                                 {.batch_size = 2, .shuffle = true});
         loader.load_state_dict({{"batches", kaon::full<std::int64_t>({}, 1)},
                                 {"order", kaon::tensor<std::int64_t>({0, 5, 1})},
                                 {"offset", kaon::zeros<std::int64_t>({})}});
       },
       {"DataLoader", "not a permutation", "(5)"}},
      {"read_csv of a missing file",
       [&] { (void)data::read_csv(dir.file("missing.csv")); },
       {"read_csv", "missing.csv"}},
      {"read_csv of an empty text",
       [] { (void)data::parse_csv("", "empty.csv"); },
       {"read_csv", "empty.csv"}},
      {"read_csv of a ragged row",
       [] { (void)data::parse_csv("a,b\n1,2\n3\n", "ragged.csv"); },
       {"read_csv", "ragged.csv:3"}},
      {"read_csv of an unterminated quote",
       [] { (void)data::parse_csv("a,b\n1,\"2\n", "quote.csv"); },
       {"read_csv", "quote.csv:2"}},
      {"read_csv of a repeated column name",
       [] { (void)data::parse_csv("a,a\n1,2\n", "twice.csv"); },
       {"read_csv", "'a'"}},
      {"DataFrame column of an unknown name", [&] { (void)df["zz"]; }, {"DataFrame", "'zz'"}},
      {"DataFrame column index past the end", [&] { (void)df.column(5); }, {"DataFrame", "5"}},
      {"DataFrame select of an unknown name",
       [&] { (void)df.select({"q"}); },
       {"DataFrame", "'q'"}},
      {"DataFrame dropna of an unknown name",
       [&] { (void)df.dropna({"q"}); },
       {"DataFrame", "'q'"}},
      {"DataFrame to_tensor of no columns",
       [&] { (void)df.to_tensor<float>({}); },
       {"to_tensor", "no columns"}},
      {"DataFrame to_tensor of a text column",
       [&] { (void)df.to_tensor<float>({"s"}); },
       {"to_tensor", "'s'"}},
      {"DataFrame to_tensor of a column with NA",
       [&] { (void)df.to_tensor<float>({"n"}); },
       {"to_tensor", "'n'"}},
      {"DataFrame to_tensor as int64 of a fraction",
       [&] { (void)df.to_tensor<I64>({"n"}); },
       {"to_tensor", "'n'"}},
      {"DataFrame mask of another length",
       [&] { (void)df[kaon::ones<bool>({5})]; },
       {"DataFrame", "[5]"}},
      {"DataFrame set of a column of another length",
       [&] {
         auto copy = df;
         copy.set("c", data::Column("c", std::vector<double>{1, 2}));
       },
       {"DataFrame::set", "'c'"}},
      {"DataFrame of columns of different lengths",
       [] {
         data::DataFrame f({data::Column("a", std::vector<double>{1, 2}),
                            data::Column("b", std::vector<double>{1})});
       },
       {"DataFrame", "'b'"}},
      {"DataFrame of two columns of one name",
       [] {
         data::DataFrame f({data::Column("a", std::vector<double>{1}),
                            data::Column("a", std::vector<double>{2})});
       },
       {"DataFrame", "'a'"}},
      {"DataFrame take of a row past the end",
       [&] {
         (void)df.take({0, 9});
       },
       {"row", "9"}},
      {"value_counts of a numeric column",
       [&] { (void)df.value_counts("a"); },
       {"value_counts", "'a'"}},
      {"factorize of a numeric column",
       [&] { (void)data::factorize(df["a"]); },
       {"factorize", "'a'"}},
      {"Column text of a numeric column", [&] { (void)df["a"].text(0); }, {"Column::text", "'a'"}},
      {"Column number of a text column",
       [&] { (void)df["s"].number(0); },
       {"Column::number", "'s'"}},
      {"Column row past the end", [&] { (void)df["a"].number(10); }, {"Column 'a'", "10"}},
      {"Column arithmetic on text", [&] { (void)(df["s"] + 1.0); }, {"Column +", "'s'"}},
      {"Column arithmetic of different lengths",
       [&] { (void)(df["a"] + data::Column("b", std::vector<double>{1})); },
       {"Column +", "'a'", "'b'"}},
      {"Column mean of text", [&] { (void)df["s"].mean(); }, {"mean", "'s'"}},
      {"train_test_split with test_size 0",
       [&] { (void)data::train_test_split(x, kaon::ones({3}), {.test_size = 0}); },
       {"train_test_split", "test_size", "got 0"}},
      {"train_test_split with test_size 1.5",
       [&] { (void)data::train_test_split(x, kaon::ones({3}), {.test_size = 1.5}); },
       {"train_test_split", "1.5"}},
      {"train_test_split with test_size -0.2",
       [&] { (void)data::train_test_split(x, kaon::ones({3}), {.test_size = -0.2}); },
       {"train_test_split", "-0.2"}},
      {"train_test_split with test_size NaN",
       [&] { (void)data::train_test_split(x, kaon::ones({3}), {.test_size = kNaN}); },
       {"train_test_split", "nan"}},
      {"train_test_split of every row",
       [&] { (void)data::train_test_split(x, kaon::ones({3}), {.test_size = 3}); },
       {"train_test_split", "3"}},
      {"train_test_split of mismatched rows",
       [&] { (void)data::train_test_split(x, y); },
       {"train_test_split", "[3, 2]", "[4]"}},
      {"StandardScaler fit of a vector",
       [] { (void)data::StandardScaler().fit(kaon::ones({3})); },
       {"StandardScaler", "[3]"}},
      {"StandardScaler fit of no rows",
       [] {
         (void)data::StandardScaler().fit(kaon::ones({0, 2}));
       },
       {"StandardScaler", "[0, 2]"}},
      {"StandardScaler transform before fit",
       [&] { (void)data::StandardScaler().transform(x); },
       {"StandardScaler::transform", "fit"}},
      {"StandardScaler transform of other features",
       [&] {
         data::StandardScaler s;
         s.fit(x);
         (void)s.transform(kaon::ones({2, 3}));
       },
       {"StandardScaler::transform", "[2, 3]"}},
      {"polynomial_features of a vector",
       [] { (void)data::polynomial_features(kaon::ones({3}), 2); },
       {"polynomial_features", "[3]"}},
      {"polynomial_features of degree -1",
       [&] { (void)data::polynomial_features(x, -1); },
       {"polynomial_features", "-1"}},
  };
  CHECK(run_misuse_cases(cases) == 45);
}

TEST_CASE("Misuse: .npy and .npz readers refuse missing, truncated and malformed files",
          "[misuse][io]") {
  using namespace misuse_entry_points_test;
  namespace io = kaon::io;
  const kaon_test::TempDir dir("kaon-misuse-io");
  auto path = [&](const char* name) { return dir.file(name).string(); };
  const std::string four_floats(16, '\0');
  misuse_write_bytes(path("magic.npy"), "PK\x03\x04 not numpy at all");
  misuse_write_bytes(path("short.npy"), "\x93NUMPY\x01");
  misuse_write_bytes(path("data.npy"),
              misuse_npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", "abc"));
  misuse_write_bytes(path("complex.npy"),
              misuse_npy_image("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", four_floats));
  misuse_write_bytes(path("big.npy"),
              misuse_npy_image("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", four_floats));
  misuse_write_bytes(path("header.npy"), misuse_npy_image("{'descr': '<f4', 'shape': (4,), }", four_floats));
  misuse_write_bytes(
      path("version.npy"),
      misuse_npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", four_floats, 7));
  misuse_write_bytes(path("tuple.npy"),
              misuse_npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (4), }", four_floats));
  io::save_npy(path("nan.npy"), kaon::tensor({1.0f, std::nanf("")}));
  io::save_npz(path("good.npz"), io::NamedTensors<float>{{"w", kaon::ones({2, 2})}});
  const std::string npz = misuse_read_bytes(path("good.npz"));
  misuse_write_bytes(path("cut.npz"), npz.substr(0, npz.size() / 2));
  misuse_write_bytes(path("text.npz"), "this is not a zip archive");
  io::save_npz(path("wide.npz"),
               io::NamedTensors<float>{{"weight", kaon::ones({3, 3})}, {"bias", kaon::ones({2})}});
  const std::vector<MisuseCase> cases = {
      {"load_npy of a missing file",
       [&] { (void)io::load_npy<float>(path("missing.npy")); },
       {"load_npy", "missing.npy"}},
      {"load_npy of a directory",
       [&] { (void)io::load_npy<float>(path("")); },
       {"load_npy", "directory"}},
      {"load_npy of a bad magic string",
       [&] { (void)io::load_npy<float>(path("magic.npy")); },
       {"load_npy", "magic.npy", "magic"}},
      {"load_npy of a truncated preamble",
       [&] { (void)io::load_npy<float>(path("short.npy")); },
       {"load_npy", "short.npy", "truncated"}},
      {"load_npy of truncated data",
       [&] { (void)io::load_npy<float>(path("data.npy")); },
       {"load_npy", "data.npy", "[4]"}},
      {"load_npy of an unsupported dtype",
       [&] { (void)io::load_npy<float>(path("complex.npy")); },
       {"load_npy", "<c8"}},
      {"load_npy of big-endian data",
       [&] { (void)io::load_npy<float>(path("big.npy")); },
       {"load_npy", ">f4"}},
      {"load_npy of a header without fortran_order",
       [&] { (void)io::load_npy<float>(path("header.npy")); },
       {"load_npy", "fortran_order"}},
      {"load_npy of format version 7",
       [&] { (void)io::load_npy<float>(path("version.npy")); },
       {"load_npy", "version 7"}},
      {"load_npy of a shape that is not a tuple",
       [&] { (void)io::load_npy<float>(path("tuple.npy")); },
       {"load_npy", "tuple"}},
      {"load_npy as int64 of a NaN",
       [&] { (void)io::load_npy<I64>(path("nan.npy")); },
       {"load_npy", "nan", "int64"}},
      {"from_npy_bytes of garbage",
       [] { (void)io::from_npy_bytes<float>("garbage", "blob"); },
       {"blob", "magic"}},
      {"load_npz of a missing file",
       [&] { (void)io::load_npz(path("missing.npz")); },
       {"load_npz", "missing.npz"}},
      {"load_npz of a truncated archive",
       [&] { (void)io::load_npz(path("cut.npz")); },
       {"load_npz", "cut.npz"}},
      {"load_npz of a text file",
       [&] { (void)io::load_npz(path("text.npz")); },
       {"load_npz", "text.npz", "zip"}},
      {"load_npz_mixed get of the wrong dtype",
       [&] { (void)io::load_npz_mixed(path("good.npz")).get<I64>("w"); },
       {"'w'", "float32", "int64"}},
      {"load_npz_mixed get of a missing name",
       [&] { (void)io::load_npz_mixed(path("good.npz")).get<float>("zz"); },
       {"good.npz", "'zz'"}},
      {"save_npz of a repeated name",
       [&] {
         io::save_npz(path("twice.npz"),
                      io::NamedTensors<float>{{"a", kaon::ones({1})}, {"a", kaon::ones({1})}});
       },
       {"save_npz", "'a'"}},
      {"save_npy of an undefined tensor",
       [&] { io::save_npy(path("undef.npy"), kaon::Tensor<float>()); },
       {"save_npy", "undef.npy"}},
      {"save_npy into a missing folder",
       [&] { io::save_npy(path("no/such/folder/x.npy"), kaon::ones({1})); },
       {"save_npy", "x.npy"}},
      {"load_state_dict of a file with other shapes",
       [&] {
         kaon::nn::Linear<float> layer(2, 2);
         layer.load_state_dict(io::load_npz(path("wide.npz")));
       },
       {"load_state_dict", "weight", "[3, 3]"}},
  };
  CHECK(run_misuse_cases(cases) == 21);
}

TEST_CASE("Misuse: metrics refuse mismatched, empty and meaningless labels", "[misuse][metrics]") {
  using namespace misuse_entry_points_test;
  namespace metrics = kaon::metrics;
  const auto y3 = kaon::tensor<I64>({0, 1, 1});
  const auto y2 = kaon::tensor<I64>({0, 1});
  const auto none = kaon::zeros<I64>({0});
  const std::vector<MisuseCase> cases = {
      {"accuracy of mismatched lengths",
       [&] { (void)metrics::accuracy(y3, y2); },
       {"accuracy", "3", "2"}},
      {"accuracy of no samples",
       [&] { (void)metrics::accuracy(none, none); },
       {"accuracy", "no samples"}},
      {"accuracy of a fractional label",
       [&] {
         (void)metrics::accuracy(kaon::tensor({0.5f, 1.0f}), kaon::tensor({0.0f, 1.0f}));
       },
       {"accuracy", "0.5"}},
      {"accuracy of a NaN label",
       [&] {
         (void)metrics::accuracy(kaon::tensor({kNaN, 1.0}), kaon::tensor({0.0, 1.0}));
       },
       {"accuracy", "nan"}},
      {"accuracy of a [2, 2] label tensor",
       [&] {
         (void)metrics::accuracy(kaon::zeros<I64>({2, 2}), kaon::zeros<I64>({2, 2}));
       },
       {"accuracy", "[2, 2]"}},
      {"confusion_matrix of mismatched lengths",
       [&] { (void)metrics::confusion_matrix(y3, y2); },
       {"confusion_matrix", "3", "2"}},
      {"precision_recall_f1 binary of three labels",
       [] {
         (void)metrics::precision_recall_f1(kaon::tensor<I64>({0, 1, 2}),
                                            kaon::tensor<I64>({0, 1, 2}));
       },
       {"precision_recall_f1", "3 labels"}},
      {"precision_recall_f1 with a missing pos_label",
       [&] { (void)metrics::precision_recall_f1(y3, y3, metrics::Average::binary, 7); },
       {"precision_recall_f1", "7"}},
      {"r2_score of mismatched lengths",
       [] { (void)metrics::r2_score(kaon::ones({3}), kaon::ones({2})); },
       {"r2_score", "[3]", "[2]"}},
      {"r2_score of no samples",
       [] { (void)metrics::r2_score(kaon::ones({0}), kaon::ones({0})); },
       {"r2_score", "no samples"}},
      {"mean_squared_error of mismatched lengths",
       [] { (void)metrics::mean_squared_error(kaon::ones({3}), kaon::ones({4})); },
       {"mean_squared_error", "[3]", "[4]"}},
      {"mean_absolute_error of a 3-d tensor",
       [] {
         (void)metrics::mean_absolute_error(kaon::ones({2, 2, 2}), kaon::ones({2, 2, 2}));
       },
       {"mean_absolute_error", "[2, 2, 2]"}},
      {"roc_curve of one class",
       [] {
         (void)metrics::roc_curve(kaon::tensor<I64>({1, 1}), kaon::tensor({0.2f, 0.8f}));
       },
       {"roc_curve", "negative"}},
      {"roc_auc of one class",
       [] {
         (void)metrics::roc_auc(kaon::tensor<I64>({0, 0}), kaon::tensor({0.2f, 0.8f}));
       },
       {"roc_curve", "positive"}},
      {"roc_curve of a NaN score",
       [] {
         (void)metrics::roc_curve(kaon::tensor<I64>({0, 1}), kaon::tensor({0.2f, std::nanf("")}));
       },
       {"roc_curve", "nan"}},
      {"roc_curve of label 2",
       [] {
         (void)metrics::roc_curve(kaon::tensor<I64>({0, 2}), kaon::tensor({0.2f, 0.8f}));
       },
       {"roc_curve", "label 2"}},
      {"roc_curve of mismatched lengths",
       [] {
         (void)metrics::roc_curve(kaon::tensor<I64>({0, 1, 1}), kaon::tensor({0.2f, 0.8f}));
       },
       {"roc_curve", "3", "2"}},
      {"roc_curve of no samples",
       [] { (void)metrics::roc_curve(kaon::zeros<I64>({0}), kaon::zeros({0})); },
       {"roc_curve", "no samples"}},
      {"roc_curve of [2, 2] scores",
       [] {
         (void)metrics::roc_curve(kaon::tensor<I64>({0, 1}), kaon::zeros({2, 2}));
       },
       {"roc_curve", "[2, 2]"}},
      {"auc of one point",
       [] { (void)metrics::auc(kaon::ones({1}), kaon::ones({1})); },
       {"auc", "[1]"}},
  };
  CHECK(run_misuse_cases(cases) == 20);
}

TEST_CASE("Misuse: linear algebra and the regressions refuse bad matrices and bad fits",
          "[misuse][linalg]") {
  using namespace misuse_entry_points_test;
  namespace linalg = kaon::linalg;
  const auto singular = kaon::tensor<double>({{1.0, 2.0}, {2.0, 4.0}});
  const auto x = kaon::ones<double>({4, 2});
  const std::vector<MisuseCase> cases = {
      {"solve of a non-square matrix",
       [] {
         (void)linalg::solve(kaon::ones<double>({2, 3}), kaon::ones<double>({2}));
       },
       {"linalg.solve", "[2, 3]"}},
      {"solve of a singular matrix",
       [&] { (void)linalg::solve(singular, kaon::ones<double>({2})); },
       {"linalg.solve", "singular"}},
      {"solve with b of the wrong length",
       [] { (void)linalg::solve(kaon::eye<double>(2), kaon::ones<double>({3})); },
       {"linalg.solve", "[3]"}},
      {"inv of a non-square matrix",
       [] {
         (void)linalg::inv(kaon::ones<double>({2, 3}));
       },
       {"linalg.inv", "[2, 3]"}},
      {"det of a non-square matrix",
       [] {
         (void)linalg::det(kaon::ones<double>({3, 2}));
       },
       {"linalg.det", "[3, 2]"}},
      {"det of a vector",
       [] { (void)linalg::det(kaon::ones<double>({3})); },
       {"linalg.det", "[3]"}},
      {"cholesky of an indefinite matrix",
       [&] { (void)linalg::cholesky(singular - 1.0); },
       {"linalg.cholesky", "order"}},
      {"cholesky of a non-square matrix",
       [] {
         (void)linalg::cholesky(kaon::ones<double>({2, 3}));
       },
       {"linalg.cholesky", "[2, 3]"}},
      {"lstsq of mismatched rows",
       [] {
         (void)linalg::lstsq(kaon::ones<double>({3, 2}), kaon::ones<double>({4}));
       },
       {"lstsq", "[3, 2]", "[4]"}},
      {"lstsq of an empty A",
       [] {
         (void)linalg::lstsq(kaon::ones<double>({0, 2}), kaon::ones<double>({0}));
       },
       {"lstsq", "[0, 2]"}},
      {"LinearRegression fit of mismatched rows",
       [&] { (void)linalg::LinearRegression<double>().fit(x, kaon::ones<double>({3})); },
       {"LinearRegression", "[4, 2]", "[3]"}},
      {"LinearRegression predict before fit",
       [&] { (void)linalg::LinearRegression<double>().predict(x); },
       {"LinearRegression::predict", "fit"}},
      {"LinearRegression predict of other features",
       [&] {
         linalg::LinearRegression<double> lr;
         lr.fit(x + kaon::randn<double>({4, 2}), kaon::randn<double>({4}));
         (void)lr.predict(kaon::ones<double>({2, 3}));
       },
       {"LinearRegression", "[2, 3]"}},
      {"LinearRegression intercept of a fit on two targets",
       [&] {
         linalg::LinearRegression<double> lr;
         lr.fit(x + kaon::randn<double>({4, 2}), kaon::randn<double>({4, 2}));
         (void)lr.intercept();
       },
       {"LinearRegression::intercept", "2"}},
      {"LogisticRegression with C = 0",
       [] { linalg::LogisticRegression<double>(0.0); },
       {"LogisticRegression", "0"}},
      {"LogisticRegression with C = inf",
       [] { (void)linalg::LogisticRegression<double>(kInf); },
       {"LogisticRegression", "inf"}},
      {"LogisticRegression with max_iter 0",
       [] { linalg::LogisticRegression<double>(1.0, true, 0); },
       {"LogisticRegression", "max_iter", "0"}},
      {"LogisticRegression fit of mismatched rows",
       [&] {
         (void)linalg::LogisticRegression<double>().fit(x, kaon::tensor<I64>({0, 1}));
       },
       {"LogisticRegression::fit", "[4, 2]", "[2]"}},
      {"LogisticRegression fit of one class",
       [&] { (void)linalg::LogisticRegression<double>().fit(x, kaon::zeros<I64>({4})); },
       {"LogisticRegression::fit", "class 0"}},
      {"LogisticRegression predict before fit",
       [&] { (void)linalg::LogisticRegression<double>().predict(x); },
       {"LogisticRegression::predict", "fit"}},
  };
  CHECK(run_misuse_cases(cases) == 20);
}

TEST_CASE("Misuse: the suite holds at least 150 cases with the reported ones", "[misuse]") {
  // The tables above, as each test case checks, and the reported cases' file holds 10 more.
  constexpr int tables = 29 + 47 + 36 + 19 + 15 + 37 + 16 + 33 + 17 + 45 + 21 + 20 + 20;
  STATIC_REQUIRE(tables + 10 >= 150);
}
