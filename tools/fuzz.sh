#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs kaon's libFuzzer targets (tests/fuzz) longer than the test suite's smoke, by hand:
#
#   bash tools/fuzz.sh [SECONDS] [TARGET...]     each target (default: all) for SECONDS (300),
#                                                on every core, crashes and all
#   bash tools/fuzz.sh --hdf5-seeds              rewrites tests/fuzz/corpus/hdf5 (seed files)
#   bash tools/fuzz.sh --hdf5-plain FILE...      reads FILEs with plain HDF5 calls under ASan: a
#                                                crash there is libhdf5's own (docs/reliability.md)
#
# Targets: csv npy npz hdf5 state_dict. The build is build/fuzz (Clang 14, ASan + UBSan). New
# inputs go to build/fuzz/work/<target>/corpus; findings to build/fuzz/work/<target>/crash-*
# (and leak-*, timeout-*, oom-*). A finding in kaon's code is fixed, then the input joins
# tests/fuzz/corpus/<target>/ and a unit test; one that plain HDF5 reproduces goes to
# tests/fuzz/libhdf5/ and docs/reliability.md. The CSV, .npy and .npz seeds come from
# tools/gen_fuzz_corpus.py. KAON_NO_APT=1 skips apt-get.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=tools/common.sh
source tools/common.sh
kaon_apt_install cmake ninja-build pkg-config libeigen3-dev catch2 libhdf5-dev clang-14 \
  libclang-rt-14-dev libfuzzer-14-dev

build_dir="$repo_root/build/fuzz"
hdf5_flags() { pkg-config --cflags --libs hdf5; }

if [[ "${1:-}" == "--hdf5-seeds" ]]; then
  mkdir -p "$build_dir"
  # shellcheck disable=SC2046
  g++ -std=c++20 tools/fuzz_hdf5_seeds.cpp $(hdf5_flags) -o "$build_dir/fuzz_hdf5_seeds"
  "$build_dir/fuzz_hdf5_seeds" tests/fuzz/corpus/hdf5
  exit 0
fi
if [[ "${1:-}" == "--hdf5-plain" ]]; then
  shift
  mkdir -p "$build_dir"
  # shellcheck disable=SC2046
  clang++-14 -std=c++20 -g -fsanitize=address,undefined tools/hdf5_plain_read.cpp $(hdf5_flags) \
    -o "$build_dir/hdf5_plain_read"
  ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_may_return_null=1}" "$build_dir/hdf5_plain_read" "$@"
  exit 0
fi

seconds="${1:-300}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(csv npy npz hdf5 state_dict)

generator="$(kaon_generator)"
kaon_fresh_if_changed "$build_dir" "$generator" clang++-14
cmake -S "$repo_root" -B "$build_dir" -G "$generator" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  -DKAON_SANITIZE=ON "-DKAON_SANITIZERS=address,undefined" -DKAON_BUILD_FUZZERS=ON \
  -DKAON_BUILD_TESTS=ON -DKAON_BUILD_EXAMPLES=OFF -DKAON_BUILD_BENCHMARKS=OFF \
  -DKAON_BUILD_PRECOMPILED=OFF -DKAON_NATIVE=OFF -DKAON_ENABLE_CUDA=OFF \
  "-DKAON_TEST_SOURCES_REGEX=^io/npy_test"
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]/#/kaon_fuzz_}"

for target in "${targets[@]}"; do
  work="$build_dir/work/$target"
  mkdir -p "$work/corpus"
  kaon_log "Fuzzing $target for $seconds s on $(nproc) cores"
  # What libhdf5 itself does on malformed files (docs/reliability.md) is not reported.
  ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_may_return_null=1}" \
  LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$repo_root/tests/fuzz/hdf5_lsan.supp}" \
    "$build_dir/tests/fuzz/kaon_fuzz_$target" -fork="$(nproc)" -ignore_crashes=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "-artifact_prefix=$work/" \
    "$work/corpus" "tests/fuzz/corpus/$target" 2>&1 | tail -n 5
  ls "$work" | grep -E '^(crash|leak|timeout|oom)-' | sed "s|^|  finding: $work/|" || true
done
