// SPDX-License-Identifier: MIT
// optim::LBFGS against torch.optim.LBFGS (tools/gen_api_reference.py): the losses step() returns,
// the parameters after each step and the evaluation and iteration counts, on a smooth convex
// function of 4 parameters.
#include <catch2/catch.hpp>
#include <kaon/kaon.hpp>
#include <vector>

#include "reference/api_reference.hpp"
#include "support/compare.hpp"

namespace lbfgs_test {
namespace api_ref = kaon_ref::api;

template <class T>
void check_run(const char* tag, const kaon::optim::LBFGSOptions& options,
               const kaon_ref::Ref& losses, const kaon_ref::Ref& params,
               const kaon_ref::Ref& counts, double tol) {
  INFO(tag);
  const auto a = kaon_test::from_ref<T>(api_ref::lbfgs_a),
             b = kaon_test::from_ref<T>(api_ref::lbfgs_b);
  auto p = kaon::tensor<T>({0.5, -1.0, 2.0, 0.0}).requires_grad_();
  kaon::optim::LBFGS<T> opt({p}, options);
  auto closure = [&] {
    opt.zero_grad();
    auto loss = kaon::matmul(p, kaon::matmul(a, p)) * T(0.5) - kaon::matmul(b, p) +
                kaon::pow(p, 4).sum() * T(0.1);
    loss.backward();
    return loss;
  };
  std::vector<T> got;
  for (int step = 0; step < 4; ++step) {
    INFO("step " << step);
    CHECK(static_cast<double>(opt.step(closure).item()) ==
          Approx(losses.values[static_cast<std::size_t>(step)]).epsilon(tol));
    const auto v = p.to_vector();
    got.insert(got.end(), v.begin(), v.end());
  }
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(static_cast<double>(got[i]) == Approx(params.values[i]).epsilon(tol).margin(tol));
  CHECK(opt.func_evals() == static_cast<std::int64_t>(counts.values[0]));
  CHECK(opt.n_iter() == static_cast<std::int64_t>(counts.values[1]));
}
}  // namespace lbfgs_test

TEST_CASE("LBFGS follows torch.optim.LBFGS step by step", "[optim]") {
  using lbfgs_test::check_run;
  namespace api_ref = kaon_ref::api;
  using kaon::optim::LBFGSOptions;
  check_run<double>("max_iter 3", LBFGSOptions(1).max_iter(3), api_ref::lbfgs_f64_losses,
                    api_ref::lbfgs_f64_params, api_ref::lbfgs_f64_counts, 1e-12);
  check_run<double>("history 2, lr 0.8", LBFGSOptions(0.8).history_size(2).max_iter(4),
                    api_ref::lbfgs_f64_hist2_losses, api_ref::lbfgs_f64_hist2_params,
                    api_ref::lbfgs_f64_hist2_counts, 1e-12);
  check_run<double>("defaults", LBFGSOptions(), api_ref::lbfgs_f64_default_losses,
                    api_ref::lbfgs_f64_default_params, api_ref::lbfgs_f64_default_counts, 1e-10);
  check_run<float>("float", LBFGSOptions(1).max_iter(3), api_ref::lbfgs_f32_losses,
                   api_ref::lbfgs_f32_params, api_ref::lbfgs_f32_counts, 1e-5);

  auto p = kaon::zeros<double>({2}).requires_grad_();
  kaon::optim::LBFGS<double> opt({p});
  REQUIRE_THROWS_WITH(opt.step(), Catch::Contains("call step(closure)"));
  REQUIRE_THROWS_WITH(kaon::optim::LBFGS<double>({p}, LBFGSOptions(-1)),
                      Catch::Contains("LBFGS: invalid learning rate -1"));
  kaon::optim::StepLR<double> sched(opt, 1, 0.5);  // schedulers drive its lr too
  sched.step();
  REQUIRE(opt.options().lr() == 0.5);
}
