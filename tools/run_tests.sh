#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs kaon's whole test suite in two stages:
#   1. build/tests     Release, -Werror, tests + examples + benchmarks (+ CUDA when nvcc exists;
#                      CUDA tests report "skipped" without a GPU); ctest, which also runs every
#                      example and checks the figures it prints. Host code at -O1 (nvcc's host
#                      side at -O0; device code fully optimised): the suite compiles 1.75 times
#                      faster than at -O3 (tools/run_examples.sh builds at -O3).
#   2. build/sanitize  -Og -g1 with AddressSanitizer + UndefinedBehaviorSanitizer and -Werror,
#                      tests only; ctest (the packaging checks already ran in stage 1). Under the
#                      sanitizers -Og compiles in two thirds of the time of -O1 (tape_test.cpp:
#                      64 s against 94 s) for tests that run a fifth longer, and with line tables
#                      reports still name file and line.
#
#   bash tools/run_tests.sh
#
# Environment:
#   KAON_NO_APT=1    skip apt-get (cmake g++ ninja-build pkg-config libeigen3-dev catch2
#                    libbenchmark-dev libhdf5-dev libplplot-dev plplot-driver-cairo)
#   KAON_NO_CUDA=1   build without CUDA even when nvcc is found
#   ASAN_OPTIONS, UBSAN_OPTIONS   override the sanitizer settings of stage 2
# Works from any directory and can be run again; each ctest log is in <tree>/ctest.log.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=tools/common.sh
source tools/common.sh

tests_dir="$repo_root/build/tests"
sanitize_dir="$repo_root/build/sanitize"
jobs="$(nproc)"
stage="setup"

summary() {
  local status=$?
  echo
  if ((status == 0)); then
    echo "==> All tests passed."
  else
    echo "==> FAILED during: $stage (exit status $status)" >&2
  fi
  echo "Build trees: $tests_dir"
  echo "             $sanitize_dir"
  echo "Test logs:   $tests_dir/ctest.log, $sanitize_dir/ctest.log"
  echo "             (full output: <tree>/Testing/Temporary/LastTest.log)"
}
trap summary EXIT

kaon_apt_install cmake g++ ninja-build pkg-config libeigen3-dev catch2 libbenchmark-dev libhdf5-dev \
  libplplot-dev plplot-driver-cairo

generator="$(kaon_generator)"
# kaon_tests' 44 files as two sources, one per core of a 2-core machine: each source repeats the
# instantiations the files share, so fewer sources take less compiler time in all. (Raise it as
# test files are added: at 20, 42 files made three sources.)
unity_batch=22

cuda_args=(-DKAON_ENABLE_CUDA=OFF)
nvcc="$(kaon_nvcc)"
if [[ -n "$nvcc" ]]; then
  # The CUDA tests compile for the GPU this machine has ("native"), and run. Without one they
  # cannot run and compile for compute_80 as PTX only ("80-virtual"): nvcc's front end and
  # NVVM still compile every kernel, which proves the code builds, and ptxas, which would only
  # turn that PTX into one GPU's machine code, is skipped (a fifth of nvcc's time on kaon's
  # tests). The <name>_cuda examples compile the same way here: built, not run.
  cuda_arch=80-virtual examples_arch=80-virtual
  if nvidia-smi -L >/dev/null 2>&1; then cuda_arch=native examples_arch=80; fi
  cuda_args=(-DKAON_ENABLE_CUDA=ON "-DCMAKE_CUDA_COMPILER=$nvcc" "-DCMAKE_CUDA_ARCHITECTURES=$cuda_arch"
             "-DKAON_EXAMPLES_CUDA_ARCHITECTURES=$examples_arch")
fi

# ---- Stage 1: everything, warnings as errors -------------------------------------------------

stage="stage 1 (build/tests)"
kaon_fresh_if_generator_changed "$tests_dir" "$generator"
kaon_log "Stage 1: configuring $tests_dir ($generator, Release, ${cuda_args[0]})"
cmake -S "$repo_root" -B "$tests_dir" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" \
  "-DCMAKE_CUDA_FLAGS_RELEASE=-O0 -DNDEBUG" \
  -DKAON_WERROR=ON \
  -DKAON_BUILD_TESTS=ON \
  "-DKAON_TEST_UNITY_BATCH=$unity_batch" \
  -DKAON_BUILD_EXAMPLES=ON \
  -DKAON_BUILD_BENCHMARKS=ON \
  "${cuda_args[@]}"
kaon_log "Stage 1: building"
# The header checks (kaon_header_checks) build with everything else, sharing the job slots;
# CTest's headers_compile_on_their_own then finds them built.
cmake --build "$tests_dir" -j "$jobs" --target all kaon_header_checks
kaon_log "Stage 1: testing"
ctest --test-dir "$tests_dir" --output-on-failure -j "$jobs" 2>&1 | tee "$tests_dir/ctest.log"

# ---- Stage 2: sanitizers -----------------------------------------------------------------------

stage="stage 2 (build/sanitize)"
kaon_fresh_if_generator_changed "$sanitize_dir" "$generator"
kaon_log "Stage 2: configuring $sanitize_dir ($generator, -Og -g1, ASan + UBSan)"
cmake -S "$repo_root" -B "$sanitize_dir" -G "$generator" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-Og -g1" \
  -DKAON_SANITIZE=ON \
  -DKAON_WERROR=ON \
  -DKAON_BUILD_TESTS=ON \
  "-DKAON_TEST_UNITY_BATCH=$unity_batch" \
  -DKAON_BUILD_EXAMPLES=OFF \
  -DKAON_BUILD_BENCHMARKS=OFF \
  -DKAON_ENABLE_CUDA=OFF
kaon_log "Stage 2: building"
cmake --build "$sanitize_dir" -j "$jobs"
kaon_log "Stage 2: testing"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  ctest --test-dir "$sanitize_dir" --output-on-failure -j "$jobs" --label-exclude packaging \
  2>&1 | tee "$sanitize_dir/ctest.log"

stage="done"
