#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds kaon's examples (Release) and runs each one. Every example runs inside
# build/examples/output/, so the files it writes land there, next to its console log <name>.log.
#
#   bash tools/run_examples.sh
#
# Installs cmake, g++, ninja-build, libeigen3-dev and PLplot (libplplot-dev with its cairo driver,
# for the PNG plots) with apt-get first (Debian 12, as root);
# set KAON_NO_APT=1 to skip that and use what is installed. Works from any directory.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=tools/common.sh
source tools/common.sh

build_dir="$repo_root/build/examples"
bin_dir="$build_dir/bin/examples"
output_dir="$build_dir/output"

kaon_apt_install cmake g++ ninja-build libeigen3-dev libplplot-dev plplot-driver-cairo

generator="$(kaon_generator)"
kaon_fresh_if_changed "$build_dir" "$generator"

kaon_log "Configuring $build_dir ($generator, Release)"
cmake -S "$repo_root" -B "$build_dir" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release \
  -DKAON_BUILD_EXAMPLES=ON \
  -DKAON_BUILD_TESTS=OFF \
  -DKAON_BUILD_BENCHMARKS=OFF \
  -DKAON_ENABLE_CUDA=OFF

kaon_log "Building the examples"
cmake --build "$build_dir" -j "$(nproc)"

examples=()
if [[ -d "$bin_dir" ]]; then
  while IFS= read -r exe; do
    examples+=("$exe")
  done < <(find "$bin_dir" -maxdepth 1 -type f -perm -u+x | sort)
fi
if ((${#examples[@]} == 0)); then
  echo "error: no example was built into $bin_dir" >&2
  exit 1
fi

# Outputs of an earlier run are cleared, so the folder shows this run only.
rm -rf "$output_dir"
mkdir -p "$output_dir"

failed=()
for exe in "${examples[@]}"; do
  name="$(basename "$exe")"
  log="$output_dir/$name.log"
  kaon_log "Running $name (in $output_dir)"
  start=$(date +%s.%N)
  set +e
  (cd "$output_dir" && "$exe") 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  if ((status == 0)); then
    echo "--- $name: ok (${seconds} s)"
  else
    echo "--- $name: FAILED with exit status $status (${seconds} s)"
    failed+=("$name")
  fi
done

kaon_log "Done: ran ${#examples[@]} example(s)"
echo "Binaries:         $bin_dir"
echo "Outputs and logs: $output_dir"
ls -l "$output_dir"
pngs=()
while IFS= read -r png; do
  pngs+=("$png")
done < <(find "$output_dir" -maxdepth 1 -name '*.png' | sort)
if ((${#pngs[@]} > 0)); then
  kaon_log "Plots written (${#pngs[@]}):"
  printf '  %s\n' "${pngs[@]}"
else
  echo "No plots were written (PLplot was not found when the examples were built)."
fi
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
