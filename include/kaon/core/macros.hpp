// SPDX-License-Identifier: MIT
// Portability macros: KAON_HOST_DEVICE marks per-element functors so that nvcc compiles them
// for both host and device, and plain C++ compilers see ordinary inline functions.
#pragma once

#if defined(__CUDACC__)
#define KAON_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define KAON_HOST_DEVICE inline
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KAON_LIKELY(x) __builtin_expect(!!(x), 1)
#define KAON_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define KAON_RESTRICT __restrict__
#define KAON_COLD __attribute__((cold, noinline))
#define KAON_NOINLINE __attribute__((noinline))
#else
#define KAON_LIKELY(x) (x)
#define KAON_UNLIKELY(x) (x)
#define KAON_RESTRICT
#define KAON_COLD
#define KAON_NOINLINE
#endif

// KAON_ASAN: 1 when AddressSanitizer instruments this code (GCC defines __SANITIZE_ADDRESS__;
// Clang 14 only answers __has_feature), else 0. kaon's small-object pool then steps aside, so
// that ASan sees every allocation.
#if defined(__SANITIZE_ADDRESS__)
#define KAON_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAON_ASAN 1
#endif
#endif
#if !defined(KAON_ASAN)
#define KAON_ASAN 0
#endif
