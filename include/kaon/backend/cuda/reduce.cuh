// SPDX-License-Identifier: MIT
// Reductions on the device through CUB: a whole tensor with DeviceReduce, one dim with
// DeviceSegmentedReduce (one segment per output element), arg-reductions of few long slices
// the same way on (index, value) pairs, and the prefix sums behind masked_select and
// masked_scatter. The fold and its identity are the shared reduction functors of
// ops/functors.hpp.
#pragma once

#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cstdint>
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_scan.cuh>
#include <cub/device/device_segmented_reduce.cuh>
#include <cub/device/device_select.cuh>
#include <cub/util_type.cuh>

#include "kaon/backend/cuda/check.cuh"
#include "kaon/backend/cuda/launch.cuh"
#include "kaon/backend/cuda/workspace.cuh"
#include "kaon/core/macros.hpp"

namespace kaon::detail {

/// Reads an element as the compute type C.
template <class C, class In>
struct CastTo {
  KAON_HOST_DEVICE C operator()(In x) const { return static_cast<C>(x); }
};

/// Element t of a dense [outer, R, inner] block in segment order: segment s = t / R is the slice
/// in[o, :, j] with s = o * inner + j.
template <class C, class In>
struct SegmentElement {
  const In* in;
  std::int64_t R, inner;
  KAON_HOST_DEVICE C operator()(std::int64_t t) const {
    const std::int64_t s = t / R, r = t % R, o = s / inner, j = s % inner;
    return static_cast<C>(in[(o * R + r) * inner + j]);
  }
};

/// Where segment s starts: s * R.
struct SegmentStart {
  std::int64_t R;
  KAON_HOST_DEVICE std::int64_t operator()(std::int64_t s) const { return s * R; }
};

/// Runs a CUB device call twice, as CUB asks: once for the scratch size, once to do the work.
template <class Call>
void with_cub_workspace(const char* what, const Call& call) {
  std::size_t bytes = 0;
  cudaError_t status = call(nullptr, bytes);
  if (status != cudaSuccess) throw_cuda_error(status, what, __FILE__, __LINE__);
  CudaWorkspace scratch(bytes);
  status = call(scratch.data(), bytes);
  if (status != cudaSuccess) throw_cuda_error(status, what, __FILE__, __LINE__);
}

/// out[o, j] = fold(op, in[o, :, j]) in compute type C over a dense [outer, R, inner] block.
template <class Out, class C, class In, class Op>
void cuda_reduce(std::int64_t outer, std::int64_t R, std::int64_t inner, const In* in, Out* out,
                 const Op& op) {
  const std::int64_t segments = outer * inner;
  if (segments == 0) return;
  if (segments == 1) {
    auto values = thrust::make_transform_iterator(in, CastTo<C, In>{});
    with_cub_workspace("cub::DeviceReduce::Reduce", [&](void* tmp, std::size_t& bytes) {
      return cub::DeviceReduce::Reduce(tmp, bytes, values, out, R, op, Op::identity());
    });
    return;
  }
  auto values = thrust::make_transform_iterator(thrust::make_counting_iterator<std::int64_t>(0),
                                                SegmentElement<C, In>{in, R, inner});
  auto starts = thrust::make_transform_iterator(thrust::make_counting_iterator<std::int64_t>(0),
                                                SegmentStart{R});
  with_cub_workspace("cub::DeviceSegmentedReduce::Reduce", [&](void* tmp, std::size_t& bytes) {
    return cub::DeviceSegmentedReduce::Reduce(tmp, bytes, values, out, segments, starts, starts + 1,
                                              op, Op::identity());
  });
}

/// Slices from which arg-reductions give each its own thread: enough to fill a GPU's threads.
inline constexpr std::int64_t kCudaThreadPerSlice = std::int64_t{1} << 16;

/// An element's index along the reduced dim and its value.
template <class T>
using IndexedValue = cub::KeyValuePair<std::int64_t, T>;

/// SegmentElement with its index along R.
template <class T>
struct SegmentIndexedValue {
  SegmentElement<T, T> element;
  KAON_HOST_DEVICE IndexedValue<T> operator()(std::int64_t t) const {
    return {t % element.R, element(t)};
  }
};

/// Of two indexed values, the one `better` prefers, and of equal values (or two NaNs) the first
/// index, so the fold gives what a scan in order gives however CUB groups it. A negative index
/// is the empty pair the fold starts from.
template <class T, class Better>
struct PickIndexed {
  Better better;
  KAON_HOST_DEVICE IndexedValue<T> operator()(const IndexedValue<T>& a,
                                              const IndexedValue<T>& b) const {
    if (a.key < 0) return b;
    if (b.key < 0) return a;
    if (better(b.value, a.value)) return b;
    if (better(a.value, b.value)) return a;
    return b.key < a.key ? b : a;
  }
};

template <class T>
__global__ void split_indexed_kernel(std::int64_t n, const IndexedValue<T>* picked, T* values,
                                     std::int64_t* indices) {
  for (std::int64_t i = cuda_thread_index(); i < n; i += cuda_grid_stride()) {
    indices[i] = picked[i].key;
    if (values) values[i] = picked[i].value;
  }
}

/// arg_of_slice of every slice in[o, :, j] of a dense [outer, R, inner] block through CUB, one
/// thread block per slice (the whole device for one slice): for few long slices.
template <class T, class Better>
void cuda_arg_reduce(std::int64_t outer, std::int64_t R, std::int64_t inner, const T* in, T* values,
                     std::int64_t* indices, const Better& better) {
  const std::int64_t segments = outer * inner;
  if (segments == 0) return;
  CudaWorkspace picked(static_cast<std::size_t>(segments) * sizeof(IndexedValue<T>));
  auto* out = picked.as<IndexedValue<T>>();
  auto pairs = thrust::make_transform_iterator(thrust::make_counting_iterator<std::int64_t>(0),
                                               SegmentIndexedValue<T>{{in, R, inner}});
  const PickIndexed<T, Better> pick{better};
  const IndexedValue<T> empty{-1, T{}};
  if (segments == 1) {
    with_cub_workspace("cub::DeviceReduce::Reduce", [&](void* tmp, std::size_t& bytes) {
      return cub::DeviceReduce::Reduce(tmp, bytes, pairs, out, R, pick, empty);
    });
  } else {
    auto starts = thrust::make_transform_iterator(thrust::make_counting_iterator<std::int64_t>(0),
                                                  SegmentStart{R});
    with_cub_workspace("cub::DeviceSegmentedReduce::Reduce", [&](void* tmp, std::size_t& bytes) {
      return cub::DeviceSegmentedReduce::Reduce(tmp, bytes, pairs, out, segments, starts,
                                                starts + 1, pick, empty);
    });
  }
  KAON_CUDA_LAUNCH(split_indexed_kernel<T>, segments, segments, out, values, indices);
}

/// Copies in[i] for every i where mask[i], in order, to out.
template <class T>
void cuda_masked_select(std::int64_t n, const T* in, const bool* mask, T* out) {
  if (n == 0) return;
  CudaWorkspace count(sizeof(std::int64_t));
  with_cub_workspace("cub::DeviceSelect::Flagged", [&](void* tmp, std::size_t& bytes) {
    return cub::DeviceSelect::Flagged(tmp, bytes, in, mask, out, count.as<std::int64_t>(), n);
  });
}

/// position[i] = the number of true values of mask before i.
inline void cuda_mask_positions(std::int64_t n, const bool* mask, std::int64_t* position) {
  if (n == 0) return;
  auto ones = thrust::make_transform_iterator(mask, CastTo<std::int64_t, bool>{});
  with_cub_workspace("cub::DeviceScan::ExclusiveSum", [&](void* tmp, std::size_t& bytes) {
    return cub::DeviceScan::ExclusiveSum(tmp, bytes, ones, position, n);
  });
}

}  // namespace kaon::detail
