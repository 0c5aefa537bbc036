#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs kaon's whole test suite in three stages:
#   1. build/tests     Release, -Werror, tests + examples + benchmarks (+ CUDA when nvcc exists;
#                      CUDA tests report "skipped" without a GPU); ctest, which also runs every
#                      example and checks the figures it prints. Host code at -O1 (nvcc's host
#                      side at -O0; device code fully optimised): the suite compiles 1.75 times
#                      faster than at -O3 (tools/run_examples.sh builds at -O3).
#   2. build/sanitize  Clang 14 at -O1 -g1 with AddressSanitizer + UndefinedBehaviorSanitizer,
#                      plus float-cast-overflow and implicit-integer-truncation (kaon's type
#                      conversions), and -Werror: the unit tests (kaon_native_tests runs in 1
#                      only), the examples (whose figures are checked again), and the fuzz smoke: each libFuzzer target of tests/fuzz
#                      (CSV, .npy, .npz, HDF5, state dicts) for KAON_FUZZ_SECONDS from its
#                      committed corpus with a fixed seed (tools/fuzz.sh runs them longer).
#   3. build/tsan      Clang 14 with ThreadSanitizer: only the tests that run threads (the worker
#                      pool from several threads, two models trained at once). TSan does not
#                      support threads started after fork(), so the fork tests run in 1 and 2.
#
#   bash tools/run_tests.sh
#
# Environment:
#   KAON_NO_APT=1    skip apt-get (cmake g++ ninja-build pkg-config libeigen3-dev catch2
#                    libbenchmark-dev libhdf5-dev libplplot-dev plplot-driver-cairo clang-14
#                    libclang-rt-14-dev libfuzzer-14-dev)
#   KAON_NO_CUDA=1   build without CUDA even when nvcc is found
#   KAON_FUZZ_SECONDS  seconds per fuzz target in stage 2 (default 24: the five targets run two
#                    at a time, so the smoke takes 60 s on 2 cores)
#   ASAN_OPTIONS, UBSAN_OPTIONS, TSAN_OPTIONS   override the sanitizer settings
# Works from any directory and can be run again; each ctest log is in <tree>/ctest.log.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=tools/common.sh
source tools/common.sh

tests_dir="$repo_root/build/tests"
sanitize_dir="$repo_root/build/sanitize"
tsan_dir="$repo_root/build/tsan"
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
  echo "             $tsan_dir"
  echo "Test logs:   <tree>/ctest.log, and $sanitize_dir/fuzz.log"
  echo "             (full output: <tree>/Testing/Temporary/LastTest.log)"
}
trap summary EXIT

kaon_apt_install cmake g++ ninja-build pkg-config libeigen3-dev catch2 libbenchmark-dev libhdf5-dev \
  libplplot-dev plplot-driver-cairo clang-14 libclang-rt-14-dev libfuzzer-14-dev

generator="$(kaon_generator)"
# kaon_tests' 46 files as two sources, one per core of a 2-core machine: each source repeats the
# instantiations the files share, so fewer sources take less compiler time in all. (Raise it as
# test files are added: at 20, 42 files made three sources.)
unity_batch=23

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
kaon_fresh_if_changed "$tests_dir" "$generator"
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

# ---- Stage 2: Clang with ASan + UBSan (and conversion checks); the fuzz smoke ------------------

stage="stage 2 (build/sanitize)"
kaon_fresh_if_changed "$sanitize_dir" "$generator" clang++-14
kaon_log "Stage 2: configuring $sanitize_dir ($generator, clang++-14 -O1 -g1, ASan + UBSan)"
CC=clang-14 CXX=clang++-14 cmake -S "$repo_root" -B "$sanitize_dir" -G "$generator" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  -DKAON_SANITIZE=ON \
  "-DKAON_SANITIZERS=address,undefined,float-cast-overflow,implicit-integer-truncation" \
  -DKAON_WERROR=ON \
  -DKAON_BUILD_TESTS=ON \
  "-DKAON_TEST_UNITY_BATCH=$unity_batch" \
  -DKAON_BUILD_EXAMPLES=ON \
  -DKAON_BUILD_BENCHMARKS=OFF \
  -DKAON_BUILD_FUZZERS=ON \
  "-DKAON_FUZZ_SECONDS=${KAON_FUZZ_SECONDS:-24}" \
  -DKAON_NATIVE=OFF \
  -DKAON_ENABLE_CUDA=OFF
kaon_log "Stage 2: building"
cmake --build "$sanitize_dir" -j "$jobs"
kaon_log "Stage 2: testing (unit tests and examples)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$sanitize_dir" --output-on-failure -j "$jobs" --label-exclude "packaging|fuzz" \
  2>&1 | tee "$sanitize_dir/ctest.log"
kaon_log "Stage 2: fuzzing each reader for ${KAON_FUZZ_SECONDS:-24} s"
ctest --test-dir "$sanitize_dir" --output-on-failure -j "$jobs" --label-regex fuzz \
  2>&1 | tee "$sanitize_dir/fuzz.log"

# ---- Stage 3: Clang with ThreadSanitizer, the tests that run threads ---------------------------

stage="stage 3 (build/tsan)"
kaon_fresh_if_changed "$tsan_dir" "$generator" clang++-14
kaon_log "Stage 3: configuring $tsan_dir ($generator, clang++-14 -O1 -g1, TSan)"
cmake -S "$repo_root" -B "$tsan_dir" -G "$generator" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  -DKAON_SANITIZE=ON \
  -DKAON_SANITIZERS=thread \
  -DKAON_WERROR=ON \
  -DKAON_BUILD_TESTS=ON \
  "-DKAON_TEST_SOURCES_REGEX=^core/(worker_pool|concurrent_training)_test" \
  -DKAON_BUILD_PRECOMPILED=OFF \
  -DKAON_BUILD_EXAMPLES=OFF \
  -DKAON_BUILD_BENCHMARKS=OFF \
  -DKAON_NATIVE=OFF \
  -DKAON_ENABLE_HDF5=OFF \
  -DKAON_ENABLE_CUDA=OFF
kaon_log "Stage 3: building"
cmake --build "$tsan_dir" -j "$jobs" --target kaon_tests
kaon_log "Stage 3: testing"
TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}" \
  ctest --test-dir "$tsan_dir" --output-on-failure -j "$jobs" --label-regex unit \
  --exclude-regex "fork\\(\\)" 2>&1 | tee "$tsan_dir/ctest.log"

stage="done"
