#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs kaon's workload benchmarks (issue 8) and writes benchmarks/RESULTS.md:
#   1. builds build/bench: Release, KAON_BUILD_BENCHMARKS=ON, -march=native (KAON_NATIVE);
#      bench_compare too when LibTorch is installed;
#   2. runs bench_workloads and bench_compare single-threaded, KAON_BENCH_ROUNDS rounds (3) of
#      5 repetitions each, keeping the medians (JSON in build/bench/results/); bench_compare
#      first checks that kaon, LibTorch and the Eigen floor give the same losses; where nvcc
#      and a GPU (nvidia-smi -L) are both present, builds and runs bench_cuda_workloads, the
#      same workloads on kaon::cuda timed with CUDA events, for a CPU/GPU table;
#   3. writes benchmarks/RESULTS.md (tools/benchmark_report.py): machine, date, commit,
#      compiler, figures, ratios, issue 8's targets, and the CUDA section;
#   4. runs tools/compile_time.sh (issue 26), which times the compilation of kaon programs,
#      their LibTorch twins and every example TU at -O0 and -O2 and splices its section into
#      RESULTS.md between <!-- compile-time:begin/end --> markers (step 3 keeps that block).
#
#   bash tools/run_benchmarks.sh
#
# Environment:
#   KAON_NO_APT=1            skip apt-get (cmake g++ ninja-build libeigen3-dev libbenchmark-dev
#                            python3 libplplot-dev)
#   KAON_WITH_LIBTORCH=1     also install libtorch-dev and OpenBLAS (libopenblas0, which Debian
#                            recommends for it: without it LibTorch's GEMM is the reference
#                            BLAS, 20x slower); bench_compare is built whenever Debian's
#                            libtorch-dev is installed, this way or not
#   KAON_NO_CUDA=1           build without CUDA even when nvcc is found
#   KAON_BENCH_ROUNDS=3      rounds of 5 repetitions
#   KAON_BENCH_DIR=...       build tree (default build/bench)
#   KAON_BENCH_JOBS=...      parallel compile jobs (default: nproc)
#   KAON_NO_COMPILE_TIME=1   skip step 4; KAON_COMPILE_REPS and the other settings of
#                            tools/compile_time.sh pass through to it
# Works from any directory and can be run again. Benchmarks are timed, so run it on an
# otherwise idle machine.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=tools/common.sh
source tools/common.sh

bench_dir="${KAON_BENCH_DIR:-$repo_root/build/bench}"
jobs="${KAON_BENCH_JOBS:-$(nproc)}"
rounds="${KAON_BENCH_ROUNDS:-3}"
results_dir="$bench_dir/results"
report="$repo_root/benchmarks/RESULTS.md"
stage="setup"

summary() {
  local status=$?
  echo
  if ((status == 0)); then
    echo "==> Benchmarks done: $report"
  else
    echo "==> FAILED during: $stage (exit status $status)" >&2
  fi
  echo "Build tree: $bench_dir"
  echo "Raw results (JSON, logs): $results_dir"
}
trap summary EXIT

# PLplot for step 4: the examples' TUs are timed as they build with their plots.
packages=(cmake g++ ninja-build libeigen3-dev libbenchmark-dev python3 libplplot-dev)
if [[ "${KAON_WITH_LIBTORCH:-0}" == 1 ]]; then
  packages+=(libtorch-dev libopenblas0)
fi
kaon_apt_install "${packages[@]}"

generator="$(kaon_generator)"

cuda_args=(-DKAON_ENABLE_CUDA=OFF)
nvcc="$(kaon_nvcc)"
if [[ -n "$nvcc" ]]; then
  cuda_args=(-DKAON_ENABLE_CUDA=ON "-DCMAKE_CUDA_COMPILER=$nvcc")
fi

# bench_compare needs LibTorch: installed above (KAON_WITH_LIBTORCH=1) or already there.
libtorch=OFF
if [[ "${KAON_WITH_LIBTORCH:-0}" == 1 ]] || dpkg-query -W -f='${Status}' libtorch-dev 2>/dev/null |
  grep -q "install ok installed"; then
  libtorch=ON
fi

# ---- Build -----------------------------------------------------------------------------------

stage="configure ($bench_dir)"
kaon_fresh_if_changed "$bench_dir" "$generator"
mkdir -p "$bench_dir"  # the configure log goes beside it, before CMake has made the tree
kaon_log "Configuring $bench_dir ($generator, Release, benchmarks)"
cmake -S "$repo_root" -B "$bench_dir" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DKAON_BUILD_TESTS=OFF \
  -DKAON_BUILD_EXAMPLES=OFF \
  -DKAON_BUILD_BENCHMARKS=ON \
  -DKAON_INSTALL=OFF \
  "-DKAON_BENCHMARK_LIBTORCH=$libtorch" \
  "${cuda_args[@]}" | tee "$bench_dir.configure.log"

stage="build"
targets=(bench_workloads)
have_compare=0
if grep -q "building bench_compare" "$bench_dir.configure.log"; then
  targets+=(bench_compare)
  have_compare=1
fi
# CUDA benchmarks (benchmarks/<stem>.cu becomes bench_<stem>): built and run only where nvcc
# and a GPU are both present.
gpu=""
if command -v nvidia-smi >/dev/null 2>&1; then
  gpu="$(nvidia-smi -L 2>/dev/null | head -n 1 || true)"
fi
cuda_benches=()
if [[ "${cuda_args[0]}" == "-DKAON_ENABLE_CUDA=ON" && -n "$gpu" ]]; then
  for source in benchmarks/*.cu; do
    [[ -e "$source" ]] || continue
    cuda_benches+=("bench_$(basename "$source" .cu)")
  done
fi
targets+=("${cuda_benches[@]}")
kaon_log "Building ${targets[*]}"
cmake --build "$bench_dir" -j "$jobs" --target "${targets[@]}"
bin="$bench_dir/bin/benchmarks"

# ---- Run -------------------------------------------------------------------------------------

rm -rf "$results_dir"
mkdir -p "$results_dir"
flags=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true
  --benchmark_out_format=json)

verify_status=not-run
if ((have_compare)); then
  stage="bench_compare --verify"
  kaon_log "Checking kaon against LibTorch and the Eigen floor (bench_compare --verify)"
  if "$bin/bench_compare" --verify | tee "$results_dir/verify.txt"; then
    verify_status=passed
  else
    verify_status=failed
  fi
fi

for ((round = 1; round <= rounds; ++round)); do
  stage="round $round of $rounds"
  kaon_log "Round $round of $rounds: bench_workloads"
  "$bin/bench_workloads" "${flags[@]}" \
    "--benchmark_out=$results_dir/workloads_round$round.json" |
    tee "$results_dir/workloads_round$round.log"
  if ((have_compare)) && [[ "$verify_status" == passed ]]; then
    kaon_log "Round $round of $rounds: bench_compare"
    "$bin/bench_compare" "${flags[@]}" \
      "--benchmark_out=$results_dir/compare_round$round.json" |
      tee "$results_dir/compare_round$round.log"
  fi
done

if ((${#cuda_benches[@]})); then
  for bench in "${cuda_benches[@]}"; do
    stage="$bench"
    kaon_log "CUDA: $bench"
    "$bin/$bench" "${flags[@]}" "--benchmark_out=$results_dir/cuda_$bench.json" |
      tee "$results_dir/cuda_$bench.log"
  done
fi

# ---- Report ----------------------------------------------------------------------------------

stage="writing $report"
compile_db="$bench_dir/compile_commands.json"  # the flags of the benchmarks, for the report
compiler="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$bench_dir/CMakeCache.txt")"
commit="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$repo_root" status --porcelain 2>/dev/null)" ]]; then
  commit="$commit (with uncommitted changes)"
fi
package_version() {
  dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "not installed"
}
lscpu_field() {
  lscpu | sed -n "s/^$1:[[:space:]]*//p" | sed -n 1p
}
cpu="$(lscpu_field 'Model name') (family $(lscpu_field 'CPU family'), model $(lscpu_field Model)"
if grep -qw avx512f /proc/cpuinfo; then cpu="$cpu, AVX-512)"; else cpu="$cpu, AVX2, no AVX-512)"; fi
# The BLAS behind libblas.so.3, which LibTorch calls for its GEMMs.
# Readers here take the first line but read to the end: a reader that exits early can kill the
# writer with SIGPIPE, which pipefail turns into a failure of the whole script.
blas="$(ldconfig -p | awk '/libblas\.so\.3 / && !seen {print $NF; seen = 1}')"
blas="${blas:+$(readlink -f "$blas")}"
python3 tools/benchmark_report.py report \
  --results "$results_dir" \
  --out "$report" \
  --cpu "$cpu" \
  --cores "$(nproc) ($(lscpu | sed -n 's/^Thread(s) per core:[[:space:]]*//p') thread(s) per core)" \
  --memory "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --commit "$commit" \
  --compiler "$("$compiler" --version | sed -n 1p)" \
  --compile-db "$compile_db" \
  --versions "Eigen $(package_version libeigen3-dev), Google Benchmark $(package_version \
libbenchmark-dev), LibTorch $(package_version libtorch-dev) with BLAS ${blas:-unknown}" \
  --verify "$verify_status" \
  --gpu "$gpu"

# ---- Compile times ---------------------------------------------------------------------------

# Its packages are this script's, installed above (LibTorch's side only where it is installed).
if [[ "${KAON_NO_COMPILE_TIME:-0}" != 1 ]]; then
  stage="compile times (tools/compile_time.sh)"
  kaon_log "Timing compilation (tools/compile_time.sh)"
  KAON_NO_APT=1 bash tools/compile_time.sh
fi
stage="done"
