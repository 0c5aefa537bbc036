// SPDX-License-Identifier: MIT
// The bad inputs of the outside reliability run (issue 28's table, by row number): each gives a
// kaon::Error that names the op and the offending value, where it once crashed, wrapped around
// or returned a silent wrong answer; row 8, a wide CSV header, reads in one pass. (Rows 4 and 5,
// malformed HDF5 files, are tested in tests/hdf5/hdf5_test.cpp, which needs HDF5.)
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <kaon/kaon.hpp>
#include <limits>
#include <string>

#include "support/temp_dir.hpp"

namespace reported_cases_test {
using Catch::Contains;
using I64 = std::int64_t;
constexpr I64 kHuge = I64{1} << 40;
constexpr I64 kMin = std::numeric_limits<I64>::min();

/// An Adam over one parameter of 3 elements that has taken a step, so that it has state.
struct StepAdam {
  kaon::Tensor<float> p = kaon::zeros({3}).requires_grad_();
  kaon::optim::Adam<float> opt{{p}, kaon::optim::AdamOptions(0.1)};
  StepAdam() {
    p.set_grad(kaon::ones({3}));
    opt.step();
  }
};
}  // namespace reported_cases_test

TEST_CASE("Row 1: an optimiser state of the wrong shape is refused, the optimiser unchanged",
          "[misuse]") {
  using namespace reported_cases_test;
  StepAdam a;
  auto state = a.opt.state_dict();
  const auto before = a.opt.state_dict();
  for (auto& [key, t] : state)
    if (key == "state.0.exp_avg") t = kaon::zeros({5});
  CHECK_THROWS_WITH(a.opt.load_state_dict(state),
                    Contains("\"state.0.exp_avg\" has shape [5] but parameter 0 has shape [3]"));
  const auto after = a.opt.state_dict();
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i)
    CHECK(after[i].second.to_vector() == before[i].second.to_vector());
}

TEST_CASE("Row 2: a shape whose element count overflows int64 is a ShapeError", "[misuse]") {
  using namespace reported_cases_test;
  CHECK_THROWS_AS(kaon::zeros({kHuge, kHuge}), kaon::ShapeError);
  CHECK_THROWS_WITH(kaon::zeros({kHuge, kHuge}), Contains("more elements than int64 can count"));
  CHECK_THROWS_WITH(kaon::ones({kHuge, kHuge, 4}), Contains("[1099511627776, 1099511627776, 4]"));
  CHECK_THROWS_WITH(kaon::zeros({1, 1}).expand({kHuge, kHuge}),
                    Contains("expand: shape [1099511627776, 1099511627776] has more elements"));
  CHECK_THROWS_WITH(kaon::zeros({0}).reshape({I64{1} << 62, 4}), Contains("reshape"));
  // Sizes whose product fits int64 but not memory: an Error, not std::bad_alloc.
  CHECK_THROWS_AS(kaon::empty({I64{1} << 61, 4}), kaon::Error);
  CHECK_THROWS_AS(kaon::empty({I64{1} << 45}), kaon::Error);
  // A zero size makes any shape empty, as in PyTorch.
  CHECK(kaon::zeros({kHuge, kHuge, 0}).numel() == 0);
}

TEST_CASE("Row 3: INT64_MIN % -1 is 0 with no signal, as PyTorch's", "[misuse]") {
  using namespace reported_cases_test;
  const auto x = kaon::from_vector<I64>({kMin, 7, -7});
  CHECK((x % I64{-1}).to_vector() == std::vector<I64>{0, 0, 0});
  CHECK((x % kaon::tensor<I64>({-1, -1, -1})).to_vector() == std::vector<I64>{0, 0, 0});
  CHECK(kaon::fmod(x, I64{-1}).to_vector() == std::vector<I64>{0, 0, 0});
}

TEST_CASE("Row 6: a state dict with a bad key or a bad learning rate is refused", "[misuse]") {
  using namespace reported_cases_test;
  StepAdam a;
  auto bad_key = a.opt.state_dict();
  bad_key.emplace_back("state.x.exp_avg", kaon::zeros({3}));
  CHECK_THROWS_WITH(a.opt.load_state_dict(bad_key),
                    Contains("key \"state.x.exp_avg\" does not name a parameter by its index"));
  for (const double lr : {-5.0, std::nan("")}) {
    auto bad_lr = a.opt.state_dict();
    for (auto& [key, t] : bad_lr)
      if (key == "lr") t = kaon::full<float>(kaon::Shape{}, static_cast<float>(lr));
    CHECK_THROWS_WITH(a.opt.load_state_dict(bad_lr), Contains("invalid learning rate"));
  }
  CHECK(a.opt.lr() == 0.1);
}

TEST_CASE("Row 7: a CSV value outside int64's range read as int64 is an error", "[misuse][data]") {
  using namespace reported_cases_test;
  const kaon_test::TempDir dir("kaon-misuse");
  const auto path = dir.file("big.csv").string();
  std::ofstream(path) << "a,b\n1,3\n2,inf\n3,1e300\n";
  const auto df = kaon::data::read_csv(path);
  CHECK(df.to_tensor<double>({"a"}).numel() == 3);
  CHECK(df.head(1).to_tensor<std::int64_t>({"b"}).item() == 3);
  CHECK_THROWS_WITH(df.to_tensor<std::int64_t>({"b"}), Contains("column 'b' value inf at ") &&
                                                           Contains("big.csv:3, column 2") &&
                                                           Contains("outside int64's range"));
}

TEST_CASE("Row 8: a CSV header of 40,000 columns is read, and a repeated name found, in one pass",
          "[misuse][data]") {
  using namespace reported_cases_test;
  std::string header, row;
  for (int c = 0; c < 40000; ++c) {
    header += (c ? ",c" : "c") + std::to_string(c);
    row += c ? ",1" : "1";
  }
  // Checked pair by pair, as once, this header took 12 s; here it takes milliseconds.
  const auto df = kaon::data::parse_csv(header + "\n" + row + "\n", "wide.csv");
  CHECK(df.cols() == 40000);
  CHECK(df["c39999"].size() == 1);
  CHECK_THROWS_WITH(kaon::data::parse_csv(header + ",c17\n" + row + ",1\n", "wide.csv"),
                    Contains("wide.csv:1, column 40001: the name 'c17' is also column 18"));
}

TEST_CASE("Row 9: arange with an infinite or NaN bound or too many elements names its bounds",
          "[misuse]") {
  using namespace reported_cases_test;
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(kaon::arange(0.0, inf, 1.0), Contains("arange: start, end and step must be "
                                                          "finite, got 0, inf and 1"));
  CHECK_THROWS_WITH(kaon::arange(0.0, std::nan(""), 1.0), Contains("must be finite"));
  CHECK_THROWS_WITH(kaon::arange(0.0, 1.0, inf), Contains("must be finite"));
  CHECK_THROWS_WITH(kaon::arange(0.0, 1e30, 1.0),
                    Contains("arange: start 0, end 1e+30 and step 1 give 1e+30 elements"));
  CHECK_THROWS_WITH(kaon::arange(kMin, std::numeric_limits<I64>::max(), I64{1}),
                    Contains("more than int64 can count"));
  CHECK_THROWS_AS(kaon::arange(0.0, 1e15, 1.0), kaon::Error);  // counts, but not in memory
}

TEST_CASE("Row 10: integer remainder and fmod by zero are errors, as PyTorch's", "[misuse]") {
  using namespace reported_cases_test;
  const auto x = kaon::tensor<I64>({5, -3});
  CHECK_THROWS_WITH(x % I64{0}, Contains("remainder: integer division by zero"));
  CHECK_THROWS_WITH(x % kaon::tensor<I64>({2, 0}),
                    Contains("remainder: integer division by zero (a zero in the divisor of shape "
                             "[2])"));
  CHECK_THROWS_WITH(I64{7} % x.masked_fill(x > 0, 0), Contains("remainder: integer division"));
  CHECK_THROWS_WITH(kaon::fmod(x, I64{0}), Contains("fmod: integer division by zero"));
  // A float operand gives NaN, as in PyTorch.
  CHECK(std::isnan((x % 0.0).to_vector()[0]));
}

TEST_CASE("Row 11: binary_cross_entropy refuses probabilities outside [0, 1] and NaN",
          "[misuse][nn]") {
  using namespace reported_cases_test;
  namespace F = kaon::nn::functional;
  const auto target = kaon::tensor({1.0f, 0.0f});
  CHECK_THROWS_WITH(F::binary_cross_entropy(kaon::tensor({1.5f, 0.5f}), target),
                    Contains("binary_cross_entropy: all elements of input should be between 0 "
                             "and 1") &&
                        Contains("from 0.5 to 1.5"));
  CHECK_THROWS_WITH(F::binary_cross_entropy(kaon::tensor({-0.25f, 0.5f}), target),
                    Contains("between 0 and 1"));
  CHECK_THROWS_WITH(F::binary_cross_entropy(kaon::tensor({std::nanf(""), 0.5f}), target),
                    Contains("between 0 and 1"));
  CHECK_THROWS_WITH(kaon::nn::BCELoss<float>()(kaon::tensor({2.0f, 0.5f}), target),
                    Contains("between 0 and 1"));
  CHECK(F::binary_cross_entropy(kaon::tensor({1.0f, 0.0f}), target).item() == 0.0f);
}

TEST_CASE("Row 12: a state dict with a repeated key is refused", "[misuse]") {
  using namespace reported_cases_test;
  kaon::nn::Linear<float> layer(2, 2);
  auto state = layer.state_dict();
  state.push_back(state[0]);
  CHECK_THROWS_WITH(layer.load_state_dict(state),
                    Contains("load_state_dict: the key \"weight\" appears twice"));
  StepAdam a;
  auto opt_state = a.opt.state_dict();
  opt_state.push_back(opt_state.back());
  CHECK_THROWS_WITH(a.opt.load_state_dict(opt_state), Contains("\"lr\" appears twice"));
  kaon::optim::LBFGS<float> lbfgs({a.p});
  CHECK_THROWS_WITH(lbfgs.load_state_dict({{"lr", kaon::ones({})}, {"lr", kaon::ones({})}}),
                    Contains("LBFGS::load_state_dict: the key \"lr\" appears twice"));
}
