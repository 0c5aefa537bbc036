// SPDX-License-Identifier: MIT
// Must NOT compile: a Tensor on kaon::cuda in a translation unit that a plain C++ compiler
// builds. The test cuda_tensor_needs_nvcc checks that the compiler stops at kaon's static_assert,
// whose message says to include <kaon/cuda.cuh> from a .cu file.
#include <kaon/kaon.hpp>

int main() {
  kaon::Tensor<float, kaon::cuda> x({3});
  return static_cast<int>(x.numel());
}
