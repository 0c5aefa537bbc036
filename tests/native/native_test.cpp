// SPDX-License-Identifier: MIT
// kaon_native_tests: tests whose code paths depend on the instruction set, compiled again with
// -march=native (tests/CMakeLists.txt). The default build targets baseline x86-64 (SSE2); a
// user's -march=native build on an AVX-512 machine takes other kernels with 64-byte vectors and
// aligned stores: Eigen's GEMM packing, the vectorised reductions and element-wise loops, and
// kaon's fused Linear-ReLU-Linear kernels, and the non-temporal stores of large results.
#include "autograd/linear_relu_linear_test.cpp"
#include "ops/broadcast_rows_test.cpp"
#include "ops/gemm_layouts_test.cpp"
#include "ops/long_slice_reduce_test.cpp"
#include "ops/streaming_store_test.cpp"
