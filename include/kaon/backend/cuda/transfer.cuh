// SPDX-License-Identifier: MIT
// t.to<kaon::cuda>() and t.to<kaon::cpu>(): a dense copy between host and device memory. The copy
// is a new tensor outside the autograd graph; moving a tensor that requires grad is refused while
// grad mode is on, because its gradient could not flow back across devices.
#pragma once

#include "kaon/autograd/grad_mode.hpp"
#include "kaon/backend/cuda/check.cuh"
#include "kaon/core/tensor.hpp"
#include "kaon/ops/copy.hpp"

namespace kaon::detail {

template <class To, class From>
struct cuda_transfer {
  template <class T>
  static Tensor<T, To> run(const Tensor<T, From>& x) {
    KAON_CHECK(!(autograd::GradMode::is_enabled() && x.requires_grad()), ValueError, "to<",
               To::name,
               ">: the tensor requires grad, and kaon's graph does not cross devices; "
               "move it with .detach().to<",
               To::name,
               ">() (and set requires_grad on the copy), "
               "or inside a NoGradGuard");
    const Tensor<T, From> src = x.contiguous();
    Tensor<T, To> out(x.shape());
    const std::size_t bytes = static_cast<std::size_t>(x.numel()) * sizeof(T);
    if (bytes == 0) return out;
    constexpr cudaMemcpyKind kind =
        std::is_same_v<To, cuda> ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;
    KAON_CUDA_CHECK(cudaMemcpy(out.data_ptr(), src.data_ptr(), bytes, kind));
    return out;
  }
};

template <>
struct device_transfer<cuda, cpu> : cuda_transfer<cuda, cpu> {};
template <>
struct device_transfer<cpu, cuda> : cuda_transfer<cpu, cuda> {};

}  // namespace kaon::detail
