// SPDX-License-Identifier: MIT
// bench_compare's interface between its three implementations of issue 8's workloads: kaon,
// LibTorch and a hand-written Eigen floor. Each lives in its own translation unit (LibTorch's
// headers never meet kaon's), and all of them start from the data and initial weights that
// kaon draws from kaon::manual_seed(0), handed over as plain row-major arrays.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace compare {

/// A row-major float array with its shape (PyTorch's layout: a weight is [out, in]).
struct Array {
  std::vector<std::int64_t> shape;
  std::vector<float> data;
};

/// What a workload starts from: its inputs (x and y, a and b, or u0, theta and t) and, for the
/// networks, the parameters in PyTorch's order (0.weight, 0.bias, 2.weight, ...).
struct Problem {
  std::string name;
  std::vector<Array> inputs;
  std::vector<Array> params;
};

/// One implementation of one workload, built outside the timed loop.
class Workload {
 public:
  virtual ~Workload() = default;
  /// One unit of work: a whole training step, a forward pass or one op.
  virtual void run() = 0;
  /// The loss of the last training step (computed before its update), or for the other
  /// workloads the sum of |output| in double; NaN when there is nothing to check.
  virtual double check() = 0;

  static constexpr double kNothing = std::numeric_limits<double>::quiet_NaN();
};

/// The workloads, in the order they are benchmarked and printed.
inline const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names = {
      "mlp_step", "mlp_step_rprop", "linreg_step", "mlp_medium", "inference_small", "projectile",
      "gemm/64",  "gemm/256",       "gemm/1024",   "add_large",  "add_new"};
  return names;
}

/// The four training workloads, whose losses must agree across implementations.
inline bool is_training(const std::string& name) {
  return name == "mlp_step" || name == "mlp_step_rprop" || name == "linreg_step" ||
         name == "mlp_medium";
}

// kaon_impl.cpp
void kaon_single_thread();
/// kaon's data and initial weights for `name`, drawn from kaon::manual_seed(0).
Problem kaon_problem(const std::string& name);
std::unique_ptr<Workload> make_kaon(const std::string& name);

// libtorch_impl.cpp
void libtorch_single_thread();
std::unique_ptr<Workload> make_libtorch(const Problem& problem);

// eigen_floor.cpp
std::unique_ptr<Workload> make_eigen_floor(const Problem& problem);

}  // namespace compare
