// SPDX-License-Identifier: MIT
// backend<cuda>: the device contract of backend/backend.hpp on an NVIDIA GPU. Memory comes from
// the caching device allocator, element-wise work from one grid-stride kernel template applying
// the shared functors, reductions from CUB, products from cuBLAS. Everything is queued on the
// default stream; copies to the host wait for it.
#pragma once

#include <cstdint>
#include <type_traits>

#include "kaon/backend/backend.hpp"
#include "kaon/backend/cuda/gemm.cuh"
#include "kaon/backend/cuda/kernels.cuh"
#include "kaon/backend/cuda/memory.cuh"
#include "kaon/backend/cuda/reduce.cuh"
#include "kaon/core/device.hpp"

namespace kaon {

namespace detail {
template <class T>
struct Constant {
  T value;
  KAON_HOST_DEVICE T operator()(std::int64_t) const { return value; }
};
}  // namespace detail

template <>
struct backend<cuda> {
  static void* allocate(std::size_t bytes) {
    return detail::CachingAllocator<detail::raw_allocator<cuda>>::instance().allocate(bytes);
  }
  static void deallocate(void* p, std::size_t bytes) noexcept {
    detail::CachingAllocator<detail::raw_allocator<cuda>>::instance().deallocate(p, bytes);
  }
  static void copy_bytes(void* dst, const void* src, std::size_t bytes) {
    if (bytes) KAON_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice));
  }
  static void synchronize() { KAON_CUDA_CHECK(cudaDeviceSynchronize()); }

  template <class T>
  static void fill(T* out, std::int64_t n, T value) {
    generate(out, n, detail::Constant<T>{value});
  }

  /// out[i] = Out(f(in[i]...)) over the plan's index space (operand 0 of the plan is out).
  template <class Out, class F, class... In>
  static void elementwise(const detail::StridedPlan<1 + sizeof...(In)>& p, Out* out, const F& f,
                          const In*... in) {
    KAON_CUDA_LAUNCH((detail::elementwise_kernel<Out, F, In...>), p.numel, p, out, f, in...);
  }

  /// f(a[i], b[i], ...) for i < n with the elements by reference: the optimisers' updates.
  template <class F, class... P>
  static void for_each(std::int64_t n, const F& f, P*... ptrs) {
    KAON_CUDA_LAUNCH((detail::for_each_kernel<F, P...>), n, n, f, ptrs...);
  }

  /// Reduces a dense [outer, R, inner] block over R: out[o, j] = fold(op, in[o, :, j]).
  template <class Out, class C, class In, class Op>
  static void reduce(std::int64_t outer, std::int64_t R, std::int64_t inner, const In* in, Out* out,
                     const Op& op) {
    detail::cuda_reduce<Out, C>(outer, R, inner, in, out, op);
  }

  /// Arg-reduction over R: the first index whose value no other beats. Many slices (or short
  /// ones) take a thread each; few long ones go through CUB, a thread block or more each.
  template <class T, class Better>
  static void arg_reduce(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in,
                         T* values, std::int64_t* indices, const Better& better) {
    if (outer * inner < detail::kCudaThreadPerSlice && R >= detail::kCudaThreads) {
      detail::cuda_arg_reduce(outer, R, inner, in, values, indices, better);
      return;
    }
    KAON_CUDA_LAUNCH((detail::arg_reduce_kernel<T, Better>), outer * inner, outer * inner, R, inner,
                     in, values, indices, better);
  }

  /// c = a @ b, or c += a @ b when `accumulate`.
  template <class T>
  static void gemm(const detail::MatrixRef<const T>& a, const detail::MatrixRef<const T>& b,
                   const detail::MatrixRef<T>& c, bool accumulate) {
    detail::cuda_gemm(a, b, c, accumulate, 1, 0, 0, 0);
  }
  /// c_n = a_n @ b_n for n < batch, one cuBLAS call; matrix n of each starts sa, sb, sc elements
  /// after the previous one.
  template <class T>
  static void gemm_batched(const detail::MatrixRef<const T>& a, const detail::MatrixRef<const T>& b,
                           const detail::MatrixRef<T>& c, std::int64_t batch, std::int64_t sa,
                           std::int64_t sb, std::int64_t sc) {
    detail::cuda_gemm(a, b, c, false, batch, sa, sb, sc);
  }

  template <class T>
  static void index_select(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in,
                           const std::int64_t* index, std::int64_t K, T* out) {
    KAON_CUDA_LAUNCH((detail::index_kernel<false, T>), outer * K * inner, outer, R, inner,
                     const_cast<T*>(in), index, K, out);
  }
  template <class T>
  static void index_add(std::int64_t outer, std::int64_t R, std::int64_t inner, T* out,
                        const std::int64_t* index, std::int64_t K, const T* src) {
    KAON_CUDA_LAUNCH((detail::index_kernel<true, T>), outer * K * inner, outer, R, inner, out,
                     index, K, const_cast<T*>(src));
  }
  template <class T>
  static void gather(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in,
                     const std::int64_t* index, std::int64_t K, T* out) {
    KAON_CUDA_LAUNCH((detail::gather_kernel<false, T>), outer * K * inner, outer, R, inner,
                     const_cast<T*>(in), index, K, out);
  }
  template <class T>
  static void scatter_add(std::int64_t outer, std::int64_t R, std::int64_t inner, T* out,
                          const std::int64_t* index, std::int64_t K, const T* src) {
    KAON_CUDA_LAUNCH((detail::gather_kernel<true, T>), outer * K * inner, outer, R, inner, out,
                     index, K, const_cast<T*>(src));
  }

  template <class T>
  static void masked_scatter(std::int64_t n, T* out, const bool* mask, const T* src) {
    detail::CudaWorkspace position(static_cast<std::size_t>(n) * sizeof(std::int64_t));
    detail::cuda_mask_positions(n, mask, position.as<std::int64_t>());
    KAON_CUDA_LAUNCH(detail::masked_scatter_kernel<T>, n, n, out, mask, position.as<std::int64_t>(),
                     src);
  }
  template <class T>
  static void masked_select(std::int64_t n, const T* in, const bool* mask, T* out) {
    detail::cuda_masked_select(n, in, mask, out);
  }

  /// out[i] = f(i) for i < n.
  template <class T, class F>
  static void generate(T* out, std::int64_t n, const F& f) {
    KAON_CUDA_LAUNCH((detail::generate_kernel<T, F>), n, n, out, f);
  }
};

}  // namespace kaon
