// SPDX-License-Identifier: MIT
// Support for tests/cuda/*.cu: a Catch2 main that, when no CUDA device can be used, runs only the
// "[no-device]" cases and then reports the test skipped (exit code 77, CTest's
// SKIP_RETURN_CODE), and same_on_both(), which runs one generic
// function on CPU inputs and on their CUDA copies and checks the two results agree.
#pragma once

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <kaon/cuda.cuh>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace kaon_cuda_test {

/// Tolerances of a comparison: |cuda - cpu| <= atol + rtol |cpu|.
struct Tol {
  double rtol = 1e-5, atol = 1e-6;
};

template <class T>
void check_close(const kaon::Tensor<T, kaon::cpu>& expected, const kaon::Tensor<T, kaon::cuda>& got,
                 Tol tol) {
  REQUIRE(expected.defined() == got.defined());
  if (!expected.defined()) return;
  INFO("cpu shape " << expected.shape() << ", cuda shape " << got.shape());
  REQUIRE(expected.shape() == got.shape());
  const auto e = expected.to_vector();
  const auto g = got.to_vector();
  for (std::size_t i = 0; i < e.size(); ++i) {
    INFO("element " << i << ": cpu " << e[i] << ", cuda " << g[i]);
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(e[i])) {
        REQUIRE(std::isnan(g[i]));
      } else if (std::isinf(e[i])) {
        REQUIRE(g[i] == e[i]);
      } else {
        REQUIRE(std::fabs(static_cast<double>(g[i]) - static_cast<double>(e[i])) <=
                tol.atol + tol.rtol * std::fabs(static_cast<double>(e[i])));
      }
    } else {
      REQUIRE(g[i] == e[i]);
    }
  }
}

/// The CUDA half of a result: tensors, min/max pairs and vectors of them are compared in turn.
template <class T>
void check_same(const kaon::Tensor<T, kaon::cpu>& e, const kaon::Tensor<T, kaon::cuda>& g, Tol t) {
  check_close(e, g, t);
}
template <class T>
void check_same(const kaon::MinMax<T, kaon::cpu>& e, const kaon::MinMax<T, kaon::cuda>& g, Tol t) {
  check_close(e.values, g.values, t);
  check_close(e.indices, g.indices, t);
}
template <class E, class G>
void check_same(const std::vector<E>& e, const std::vector<G>& g, Tol t) {
  REQUIRE(e.size() == g.size());
  for (std::size_t i = 0; i < e.size(); ++i) {
    INFO("result " << i);
    check_same(e[i], g[i], t);
  }
}
inline void check_same(double e, double g, Tol t) {
  REQUIRE(std::fabs(g - e) <= t.atol + t.rtol * std::fabs(e));
}

template <class X>
auto on_cuda(const X& x) {
  if constexpr (requires { x.template to<kaon::cuda>(); })
    return x.detach().template to<kaon::cuda>();
  else
    return x;  // scalars, dims and options pass through
}

/// Runs f(args...) with the CPU tensors given and with their copies on the GPU, and checks the
/// two results agree. f is a generic lambda, so it is the same code on both devices.
template <class F, class... Args>
void same_on_both(const F& f, Tol tol, const Args&... args) {
  const auto expected = f(args...);
  const auto got = f(on_cuda(args)...);
  check_same(expected, got, tol);
}

/// Deterministic CPU inputs: randn from a fixed seed.
template <class T = float>
kaon::Tensor<T> randn(const kaon::Shape& shape, std::uint64_t seed = 1) {
  kaon::manual_seed(seed);
  return kaon::randn<T>(shape);
}

/// KAON_CUDA_REQUIRED=1 (set on a machine that has a GPU) turns "no usable device" from a
/// skip into a failure, so a broken driver cannot pass for a run.
inline bool device_required() {
  const char* v = std::getenv("KAON_CUDA_REQUIRED");
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace kaon_cuda_test

// Without a usable device only the "[no-device]" cases run (device_test.cu: a cuda program
// stops with a clear DeviceError); when they pass, the program reports itself skipped. With a
// device every other case runs. KAON_CUDA_REQUIRED=1 makes a machine without one fail.
int main(int argc, char** argv) {
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) return status;
  if (kaon::detail::cuda_device_available()) {
    session.configData().testsOrTags = {"~[no-device]"};
    return session.run();
  }
  std::string why = "no usable CUDA device";
  try {
    kaon::detail::require_cuda_device();
  } catch (const kaon::DeviceError& e) {
    why = e.what();
  }
  session.configData().testsOrTags = {"[no-device]"};
  if (const int failed = session.run(); failed != 0) return failed;
  const bool required = kaon_cuda_test::device_required();
  std::cout << (required ? "failed (KAON_CUDA_REQUIRED=1): " : "skipped: ") << why << "\n";
  return required ? 1 : 77;
}
