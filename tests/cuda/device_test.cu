// SPDX-License-Identifier: MIT
// Device errors. Without a usable GPU this program runs the "[no-device]" case, which checks that
// a cuda program stops with a clear DeviceError rather than crashing (so it passes on CI machines
// without a GPU); with one it checks that failing CUDA calls become DeviceErrors naming the call,
// the file and the line, and that moving a tensor that requires grad is refused.
#include <string>

#include "cuda/cuda_test.hpp"

using Catch::Matchers::Contains;
using kaon::Tensor;
using CudaTensor = Tensor<float, kaon::cuda>;

TEST_CASE("Without a usable device, the first cuda tensor throws a DeviceError", "[no-device]") {
  REQUIRE_FALSE(kaon::detail::cuda_device_available());
  REQUIRE_THROWS_AS(CudaTensor({3}), kaon::DeviceError);
  REQUIRE_THROWS_WITH(CudaTensor({3}),
                      Contains("no usable CUDA device") && Contains("cudaGetDeviceCount"));
  REQUIRE_THROWS_AS((kaon::zeros<float, kaon::cuda>(kaon::Shape{2, 2})), kaon::DeviceError);
  REQUIRE_THROWS_AS((kaon::tensor({1.f, 2.f}).to<kaon::cuda>()), kaon::DeviceError);
}

TEST_CASE("A failing CUDA call becomes a DeviceError naming call, file and line", "[device]") {
  float* bogus = reinterpret_cast<float*>(std::uintptr_t{16});
  const auto kind = static_cast<cudaMemcpyKind>(42);
  const int before = __LINE__;
  const auto fail = [&] { KAON_CUDA_CHECK(cudaMemcpy(bogus, bogus + 1, 4, kind)); };
  REQUIRE_THROWS_AS(fail(), kaon::DeviceError);
  try {
    fail();
  } catch (const kaon::DeviceError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Contains("cudaMemcpy(bogus, bogus + 1, 4, kind)") &&
                         Contains("cudaErrorInvalidMemcpyDirection"));
    // "... failed at <path>/device_test.cu:<line>: ...", the line being the check's own.
    const auto at = what.find("device_test.cu:");
    REQUIRE(at != std::string::npos);
    const int line = std::stoi(what.substr(at + std::string("device_test.cu:").size()));
    CHECK(line > before);
    CHECK(line <= before + 2);
  }
  // The runtime is still usable afterwards.
  REQUIRE(kaon::ones<float, kaon::cuda>({3}).sum().item() == 3.f);
}

TEST_CASE("An allocation beyond the device's memory is a DeviceError", "[device]") {
  REQUIRE_THROWS_AS(CudaTensor({std::int64_t{1} << 50}), kaon::DeviceError);
  REQUIRE_THROWS_WITH(CudaTensor({std::int64_t{1} << 50}), Contains("out of memory"));
  REQUIRE(kaon::zeros<float, kaon::cuda>({4}).sum().item() == 0.f);
}

TEST_CASE("Moving a tensor that requires grad across devices is refused", "[device]") {
  const auto x = kaon::ones<float>({2}).requires_grad_();
  REQUIRE_THROWS_AS(x.to<kaon::cuda>(), kaon::ValueError);
  REQUIRE_THROWS_WITH(x.to<kaon::cuda>(), Contains("detach"));
  REQUIRE(x.detach().to<kaon::cuda>().requires_grad() == false);
  // Reading values back is not a move: item() and to_vector() work on recorded results.
  const auto y = x.detach().to<kaon::cuda>().requires_grad_();
  REQUIRE((y * 2).to_vector() == std::vector<float>{2.f, 2.f});
  REQUIRE((y * 2).sum().item() == 4.f);
  kaon::NoGradGuard no_grad;
  REQUIRE(x.to<kaon::cuda>().to_vector() == std::vector<float>{1.f, 1.f});
}
