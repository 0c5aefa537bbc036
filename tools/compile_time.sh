#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Compile-time benchmark (issue 26). Compiles and links, one at a time, at -O0 and -O2:
#   - the programs of benchmarks/compile_time/ (tensors + autograd, a first MLP, the README's
#     first program), each next to its LibTorch equivalent, with the command a CMake user gets;
#   - every example TU (examples/<name>/*.cpp) with the include dirs and defines that
#     examples/CMakeLists.txt gives it, linked with PLplot when it is installed;
#   - for reference, empty programs that only include <kaon/kaon.hpp>, <torch/torch.h> or
#     <Eigen/Dense>.
# Every cell is compiled KAON_COMPILE_REPS times; the repetitions go round the whole list in turn
# (not one cell's three in a row), so the machine's drift hits both sides of a ratio alike. Each
# -O2 program is then run once and what it prints is kept. Writes a markdown section and a TSV,
# and splices the section into benchmarks/RESULTS.md between <!-- compile-time:begin --> and
# <!-- compile-time:end --> (tools/run_benchmarks.sh calls this script; its report keeps the block).
#
#   bash tools/compile_time.sh
#
# Environment:
#   KAON_NO_APT=1                  skip apt-get (g++ binutils libeigen3-dev libtorch-dev
#                                  libplplot-dev); without libtorch-dev the LibTorch side is
#                                  reported as not measured
#   KAON_COMPILE_REPS=3            compilations per cell; the report gives their median
#   KAON_COMPILE_ONLY=<regex>      only the cells whose name matches (names: tensors_autograd,
#                                  mlp, readme_first, examples/<name>/<file>.cpp, include/kaon,
#                                  include/torch, include/eigen); RESULTS.md is then left alone
#   KAON_COMPILE_CXXFLAGS_EXTRA=   extra flags for every compilation (split on spaces)
#   KAON_COMPILE_CXX=g++           the compiler
#   KAON_COMPILE_OUT=...           the markdown file (default build/compile_time/compile_time.md);
#                                  the TSV beside it, binaries and logs in <file without .md>.work/
# Works from any directory and can be run again. Timings want an otherwise idle machine.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=tools/common.sh
source tools/common.sh

reps="${KAON_COMPILE_REPS:-3}"
only="${KAON_COMPILE_ONLY:-}"
read -r -a extra <<<"${KAON_COMPILE_CXXFLAGS_EXTRA:-}"
cxx="${KAON_COMPILE_CXX:-g++}"
out_md="${KAON_COMPILE_OUT:-$repo_root/build/compile_time/compile_time.md}"
out_dir="$(dirname "$out_md")"
out_tsv="${out_md%.md}.tsv"
work="${out_md%.md}.work"  # emptied on each run
results="$repo_root/benchmarks/RESULTS.md"
programs=(tensors_autograd mlp readme_first)
opts=(O0 O2)

if ! [[ "$reps" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: KAON_COMPILE_REPS must be a positive integer, not '$reps'" >&2
  exit 2
fi

kaon_apt_install g++ binutils libeigen3-dev libtorch-dev libplplot-dev

torch_include=/usr/include/torch/csrc/api/include
have_torch=0
[[ -f "$torch_include/torch/torch.h" ]] && have_torch=1
plplot_include=/usr/include/plplot
have_plplot=0
# -print-file-name prints a bare name when the linker would not find the library.
if [[ -f "$plplot_include/plplot.h" && "$("$cxx" -print-file-name=libplplot.so)" == /* ]]; then
  have_plplot=1
fi

rm -rf "$work"
mkdir -p "$work/src" "$work/bin" "$work/log"
printf '#include <kaon/kaon.hpp>\nint main() {}\n' >"$work/src/kaon_only.cpp"
printf '#include <torch/torch.h>\nint main() {}\n' >"$work/src/torch_only.cpp"
printf '#include <Eigen/Dense>\nint main() {}\n' >"$work/src/eigen_only.cpp"

# ---- The cells: one compilation command each --------------------------------------------------

# The flags a CMake user gets from kaon::kaon (C++20, Eigen, threads) in a Release-like build;
# -O2 or -O0 goes in place of OPT.
kaon_flags=(-std=c++20 OPT -march=native -DNDEBUG -I"$repo_root/include" -I/usr/include/eigen3)
# What find_package(Torch) adds (TorchConfig.cmake, Caffe2Targets.cmake): the libstdc++ ABI, the
# definitions of torch_cpu, glog and gflags, and its include dirs as system dirs (/usr/include is
# the compiler's own). The libraries' own dependencies (protobuf, glog, ...) come with them.
torch_flags=(-std=c++20 OPT -march=native -DNDEBUG -D_GLIBCXX_USE_CXX11_ABI=1 -DUSE_DISTRIBUTED
  -DUSE_C10D_GLOO -DUSE_RPC -DUSE_TENSORPIPE -DGLOG_CUSTOM_PREFIX_SUPPORT -DGFLAGS_IS_A_DLL=0
  -isystem "$torch_include")
torch_libs=(-ltorch -ltorch_cpu -lc10)

# Parallel arrays, one entry per cell (bash 5 has no arrays of arrays): what it is and the
# command, with its words joined by the ASCII unit separator.
cell_group=() cell_name=() cell_side=() cell_opt=() cell_mode=() cell_out=() cell_cmd=()
sep=$'\x1f'

# add_cell GROUP NAME SIDE OPT MODE OUT WORD...: one cell, OPT substituted into the words.
add_cell() {
  local group="$1" name="$2" side="$3" opt="$4" mode="$5" out="$6" word joined=""
  shift 6
  [[ -z "$only" || "$name" =~ $only ]] || return 0
  for word in "$@"; do
    [[ "$word" == OPT ]] && word="-$opt"
    joined+="${joined:+$sep}$word"
  done
  cell_group+=("$group") cell_name+=("$name") cell_side+=("$side") cell_opt+=("$opt")
  cell_mode+=("$mode") cell_out+=("$out") cell_cmd+=("$joined")
}

# kaon's precompiled mode (kaon::precompiled): the library is compiled here once per -O level,
# untimed, with the programs' own flags, as a CMake build of kaon::precompiled would; each
# program is then compiled with KAON_PRECOMPILED and linked against it.
precompiled_lib() {
  local opt="$1" lib="$work/lib/libkaon_precompiled_$1.a" objects=() source object
  mkdir -p "$work/lib"
  for source in src/precompiled_*.cpp; do
    object="$work/lib/$(basename "$source" .cpp)_$opt.o"
    "$cxx" "${kaon_flags[@]/OPT/-$opt}" -DKAON_PRECOMPILED "${extra[@]}" -c "$source" \
      -o "$object" &
    objects+=("$object")
  done
  wait
  ar rcs "$lib" "${objects[@]}"
}

for opt in "${opts[@]}"; do
  if [[ -z "$only" || "precompiled" =~ $only || "tensors_autograd mlp" =~ $only ]]; then
    kaon_log "Building the precompiled library at -$opt (untimed)"
    precompiled_lib "$opt"
  fi
  for program in "${programs[@]}"; do
    out="$work/bin/${program}_kaon_$opt"
    add_cell program "$program" kaon "$opt" link "$out" "$cxx" "${kaon_flags[@]}" "${extra[@]}" \
      "benchmarks/compile_time/$program.cpp" -o "$out" -pthread
    out="$work/bin/${program}_precompiled_$opt"
    add_cell program "$program" precompiled "$opt" link "$out" "$cxx" "${kaon_flags[@]}" \
      -DKAON_PRECOMPILED "${extra[@]}" "benchmarks/compile_time/$program.cpp" -o "$out" \
      "$work/lib/libkaon_precompiled_$opt.a" -pthread
    if ((have_torch)); then
      out="$work/bin/${program}_libtorch_$opt"
      add_cell program "$program" libtorch "$opt" link "$out" "$cxx" "${torch_flags[@]}" \
        "${extra[@]}" "benchmarks/compile_time/${program}_libtorch.cpp" -o "$out" -pthread \
        "${torch_libs[@]}"
    fi
  done

  # An example folder's .cpp files make one executable (examples/CMakeLists.txt). A folder with
  # one TU is compiled and linked as that executable; with several, each TU is compiled alone
  # (-c), since no TU of them is a program.
  for dir in examples/*/; do
    dir="${dir%/}"
    sources=("$dir"/*.cpp)
    [[ -e "${sources[0]}" ]] || continue
    example_flags=("${kaon_flags[@]}" -I"$repo_root/examples/common"
      "-DKAON_EXAMPLE_DIR=\"$repo_root/$dir\"" "-DKAON_EXAMPLES_DIR=\"$repo_root/examples\"")
    example_libs=(-pthread)
    if ((have_plplot)); then
      example_flags+=(-isystem "$plplot_include" -DKAON_EXAMPLES_HAVE_PLPLOT)
      example_libs+=(-lplplot)
    fi
    for source in "${sources[@]}"; do
      out="$work/bin/$(basename "$dir")_$(basename "$source" .cpp)_$opt"
      if ((${#sources[@]} == 1)); then
        add_cell example "$source" kaon "$opt" link "$out" "$cxx" "${example_flags[@]}" \
          "${extra[@]}" "$source" -o "$out" "${example_libs[@]}"
      else
        add_cell example "$source" kaon "$opt" compile "$out.o" "$cxx" "${example_flags[@]}" \
          "${extra[@]}" -c "$source" -o "$out.o"
      fi
    done
  done

  add_cell include include/kaon kaon "$opt" link "$work/bin/kaon_only_$opt" "$cxx" \
    "${kaon_flags[@]}" "${extra[@]}" "$work/src/kaon_only.cpp" -o "$work/bin/kaon_only_$opt" \
    -pthread
  if ((have_torch)); then
    add_cell include include/torch libtorch "$opt" link "$work/bin/torch_only_$opt" "$cxx" \
      "${torch_flags[@]}" "${extra[@]}" "$work/src/torch_only.cpp" \
      -o "$work/bin/torch_only_$opt" -pthread "${torch_libs[@]}"
  fi
  add_cell include include/eigen eigen "$opt" link "$work/bin/eigen_only_$opt" "$cxx" \
    -std=c++20 "-$opt" -march=native -DNDEBUG -I/usr/include/eigen3 "${extra[@]}" \
    "$work/src/eigen_only.cpp" -o "$work/bin/eigen_only_$opt"
done

ncells=${#cell_name[@]}
if ((ncells == 0)); then
  echo "error: KAON_COMPILE_ONLY='$only' matches nothing" >&2
  exit 2
fi

# ---- Timing -----------------------------------------------------------------------------------

walls=()   # per cell: its wall times, space-separated
failed=()  # per cell: 1 when a compilation failed (its later repetitions are skipped)
for ((i = 0; i < ncells; ++i)); do
  walls[i]="" failed[i]=0
done

kaon_log "Timing $ncells compilations, $reps time(s) each, one at a time ($cxx)"
for ((rep = 1; rep <= reps; ++rep)); do
  for ((i = 0; i < ncells; ++i)); do
    if ((failed[i])); then continue; fi
    IFS="$sep" read -r -a command <<<"${cell_cmd[i]}"
    log="$work/log/$i.log"
    start="$(date +%s.%N)"
    if "${command[@]}" >"$log" 2>&1; then
      end="$(date +%s.%N)"
      seconds="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
      walls[i]+="${walls[i]:+ }$seconds"
      printf '[%d/%d] %-40s %-8s -%s  %6s s\n' "$rep" "$reps" "${cell_name[i]}" \
        "${cell_side[i]}" "${cell_opt[i]}" "$seconds"
    else
      failed[i]=1
      echo "FAILED: ${cell_name[i]} (${cell_side[i]}, -${cell_opt[i]}); the command and its" \
        "output:" >&2
      echo "  ${command[*]}" >&2
      tail -n 30 "$log" >&2
    fi
  done
done

median() {
  tr ' ' '\n' <<<"$1" | sort -n | awk 'NF { v[++n] = $1 }
    END { if (n == 0) exit; m = int((n + 1) / 2)
          printf "%.2f", (n % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

# What each -O2 program prints, on one line, so that kaon's and LibTorch's can be compared.
prints=()
for ((i = 0; i < ncells; ++i)); do
  prints[i]=""
  if [[ "${cell_group[i]}" == program && "${cell_opt[i]}" == O2 && "${failed[i]}" == 0 ]]; then
    if output="$("${cell_out[i]}" 2>&1)"; then
      prints[i]="$(tr '\t\n' '  ' <<<"$output" | sed 's/ *$//')"
    else
      prints[i]="(exit status $?) $(tr '\t\n' '  ' <<<"$output")"
      failed[i]=1
    fi
  fi
done

# ---- TSV --------------------------------------------------------------------------------------

mkdir -p "$out_dir"
{
  printf 'group\tname\tside\topt\tmode\tmedian_s\ttimes_s\tstatus\tprints\tcommand\n'
  for ((i = 0; i < ncells; ++i)); do
    status=ok
    if ((failed[i])); then status=failed; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${cell_group[i]}" "${cell_name[i]}" \
      "${cell_side[i]}" "${cell_opt[i]}" "${cell_mode[i]}" "$(median "${walls[i]}")" \
      "${walls[i]}" "$status" "${prints[i]}" "${cell_cmd[i]//$sep/ }"
  done
} >"$out_tsv"

# ---- Markdown ---------------------------------------------------------------------------------

lscpu_field() {
  lscpu | sed -n "s/^$1:[[:space:]]*//p" | sed -n 1p
}
commit="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$repo_root" status --porcelain 2>/dev/null)" ]]; then
  commit="$commit (with uncommitted changes)"
fi
package_version() {
  dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "not installed"
}
# A row of the binary-size table: what, .text, size's "text" (code and read-only data), the file,
# and the shared libraries it needs, in KiB. kaon's binary holds all the kaon code it runs;
# LibTorch's calls into libtorch_cpu.so, whose .text gets a row of its own.
size_row() {
  local what="$1" binary="$2" text all needed
  text="$(size -A "$binary" | awk '$1 == ".text" { printf "%.0f", $2 / 1024 }')"
  all="$(size "$binary" | awk 'NR == 2 { printf "%.0f", $1 / 1024 }')"
  needed="$(readelf -d "$binary" | awk '$2 == "(NEEDED)" {
      gsub(/[][]/, "", $5); s = s sep $5; sep = ", "; ++n
    }
    END { print (n > 6) ? n " libraries" : s }')"
  file="$(($(stat -L -c %s "$binary") / 1024))"
  echo "| $what | $text KiB | $all KiB | $file KiB | ${needed:-none} |"
}
sizes=()
mlp_kaon="$work/bin/mlp_kaon_O2" mlp_torch="$work/bin/mlp_libtorch_O2"
if [[ -x "$mlp_kaon" ]]; then
  sizes+=("$(size_row "kaon \`mlp\`" "$mlp_kaon")")
  if [[ -x "$work/bin/mlp_precompiled_O2" ]]; then
    sizes+=("$(size_row "kaon \`mlp\`, precompiled mode (the library's ops linked in)" \
      "$work/bin/mlp_precompiled_O2")")
  fi
  if [[ -x "$mlp_torch" ]]; then
    sizes+=("$(size_row "LibTorch \`mlp\`" "$mlp_torch")")
    torch_cpu="$(ldd "$mlp_torch" | awk '$1 ~ /^libtorch_cpu\.so/ { print $3 }')"
    if [[ -n "$torch_cpu" ]]; then
      sizes+=("$(size_row "\`$(basename "$torch_cpu")\`, which it calls" "$torch_cpu")")
    fi
  fi
fi

{
  echo "## Compile times (issue 26)"
  echo
  echo "Written by \`tools/compile_time.sh\`. Wall time of one compiler invocation that compiles and"
  echo "links (\`date +%s.%N\` around it), median of $reps, the compilations one at a time and the"
  echo "repetitions going round the whole list in turn. Each side gets the command a CMake user gets"
  echo "from \`kaon::kaon\` or \`find_package(Torch)\`, at \`-O0\` or \`-O2\`, with"
  echo "\`-march=native -DNDEBUG\`."
  if [[ -n "$only" ]]; then
    echo "A subset: KAON_COMPILE_ONLY=\`$only\`."
  fi
  echo
  echo "| | |"
  echo "|---|---|"
  cpu="$(lscpu_field 'Model name') (family $(lscpu_field 'CPU family'), model $(lscpu_field Model)"
  if grep -qw avx512f /proc/cpuinfo; then cpu+=", AVX-512)"; else cpu+=", no AVX-512)"; fi
  echo "| CPU | $cpu |"
  echo "| cores | $(nproc) ($(lscpu_field 'Thread(s) per core') thread(s) per core) |"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| commit | $commit |"
  echo "| compiler | $("$cxx" --version | sed -n 1p) |"
  echo "| libraries | Eigen $(package_version libeigen3-dev), LibTorch" \
    "$(package_version libtorch-dev), PLplot $(package_version libplplot-dev) |"
  if ((${#extra[@]})); then
    echo "| extra flags | \`${extra[*]}\` |"
  fi
  echo
  awk -F '\t' -v have_torch="$have_torch" -v have_plplot="$have_plplot" -v repo="$repo_root" '
    NR == 1 { next }
    {
      key = $2 SUBSEP $3 SUBSEP $4
      t[key] = ($8 == "ok") ? $6 : "failed"
      out[key] = $9
      if ($4 == "O2" && !(($1, $3) in has_cmd)) {
        has_cmd[$1, $3] = 1; cmd_key[++ncmd] = $1 SUBSEP $3; cmd_text[ncmd] = $10
      }
      mode[$2] = $5
      if (!(($1, $2) in seen)) { seen[$1, $2] = 1; order[$1, ++n[$1]] = $2 }
    }
    function cell(name, side, opt) {  # the median, or "failed", or "–" when not measured
      key = name SUBSEP side SUBSEP opt
      return (key in t) ? t[key] : "–"
    }
    function num(s) { return s ~ /^[0-9.]+$/ }
    # The -O2 time of program p on `side`; sets ratio (to LibTorch at -O2; -1 when either is
    # missing), goal (targets[p] as `fmt`) and verdict.
    function judge(p, side, targets, fmt,    k2, l2) {
      k2 = cell(p, side, "O2"); l2 = cell(p, "libtorch", "O2")
      ratio = (num(k2) && num(l2) && l2 > 0) ? k2 / l2 : -1
      goal = (p in targets) ? sprintf(fmt, targets[p]) : "–"
      verdict = "–"
      if ((p in targets) && ratio >= 0) verdict = (ratio <= targets[p]) ? "met" : "**missed**"
      return k2
    }
    function sec(s) { return num(s) ? s " s" : s }
    function unrepo(s,    at) {  # the checkout as <repo>; index(), as a path is no regex
      while ((at = index(s, repo)) > 0) s = substr(s, 1, at - 1) "<repo>" substr(s, at + length(repo))
      return s
    }
    END {
      target["tensors_autograd"] = 0.3; target["mlp"] = 0.4
      what["tensors_autograd"] = "tensors + autograd: projectile broadcast, `max()`, one `backward()`"
      what["mlp"] = "first training program: 1→50→1 MLP, Adam, MSE, 200 epochs"
      what["readme_first"] = "the README'"'"'s first program"
      if (n["program"]) {
        print "### The programs of `benchmarks/compile_time/`, against LibTorch"
        print ""
        if (!have_torch)
          print "LibTorch is not installed (Debian: `libtorch-dev`): its side is not measured.\n"
        print "Header-only (`kaon::kaon`):"
        print ""
        print "| program | kaon -O0 | kaon -O2 | LibTorch -O0 | LibTorch -O2 | kaon/LibTorch at -O2 | target | |"
        print "|---|---|---|---|---|---|---|---|"
        for (i = 1; i <= n["program"]; ++i) {
          p = order["program", i]
          k2 = judge(p, "kaon", target, "≤ %.1f×"); l2 = cell(p, "libtorch", "O2")
          printf "| `%s`: %s | %s | %s | %s | %s | %s | %s | %s |\n", p, what[p],
            sec(cell(p, "kaon", "O0")), sec(k2), sec(cell(p, "libtorch", "O0")), sec(l2),
            (ratio >= 0) ? sprintf("%.2f×", ratio) : "–", goal, verdict
        }
        print ""
        print "Precompiled mode (`kaon::precompiled`: compiled with `-DKAON_PRECOMPILED` and linked"
        print "against `libkaon_precompiled.a`, built beforehand with the same flags and not timed):"
        print ""
        print "| program | -O0 | -O2 | /LibTorch at -O2 | target | |"
        print "|---|---|---|---|---|---|"
        ptarget["mlp"] = 0.15
        for (i = 1; i <= n["program"]; ++i) {
          p = order["program", i]
          k2 = judge(p, "precompiled", ptarget, "≤ %.2f×")
          printf "| `%s` | %s | %s | %s | %s | %s |\n", p, sec(cell(p, "precompiled", "O0")),
            sec(k2), (ratio >= 0) ? sprintf("%.2f×", ratio) : "–", goal, verdict
        }
        print ""
        print "What each prints at -O2. `tensors_autograd` has fixed inputs, so kaon and LibTorch agree"
        print "to float rounding; `mlp` starts from each library'"'"'s own random weights and `readme_first`"
        print "draws from each library'"'"'s own random stream, so there they only look alike."
        print ""
        print "| program | kaon | kaon precompiled | LibTorch |"
        print "|---|---|---|---|"
        for (i = 1; i <= n["program"]; ++i) {
          p = order["program", i]
          printf "| `%s` | `%s` | `%s` | %s |\n", p, out[p, "kaon", "O2"], out[p, "precompiled", "O2"],
            ((p, "libtorch", "O2") in out) ? "`" out[p, "libtorch", "O2"] "`" : "–"
        }
        print ""
      }
      if (n["example"]) {
        print "### Example TUs"
        print ""
        print "Each `examples/<name>/*.cpp` with the include dirs and defines of `examples/CMakeLists.txt`"
        plplot = have_plplot ? "with PLplot (`-DKAON_EXAMPLES_HAVE_PLPLOT`, `-lplplot`)" \
                             : "without PLplot (not installed: the plots compile out)"
        print "and the flags above, " plplot "."
        print "\"link\": compiled and linked as the example'"'"'s program; \"compile\": `-c` only (a folder with"
        print "several TUs)."
        print ""
        print "| TU | | -O0 | -O2 | target | |"
        print "|---|---|---|---|---|---|"
        for (i = 1; i <= n["example"]; ++i) {
          e = order["example", i]
          o2 = cell(e, "kaon", "O2")
          verdict = num(o2) ? ((o2 <= 10) ? "met" : "**missed**") : "–"
          printf "| `%s` | %s | %s | %s | -O2 ≤ 10 s | %s |\n", e, mode[e],
            sec(cell(e, "kaon", "O0")), sec(o2), verdict
        }
        print ""
      }
      if (n["include"]) {
        print "### For reference: programs that only include a header"
        print ""
        print "`int main() {}` after one `#include`, compiled and linked with the same commands."
        print ""
        print "| header | -O0 | -O2 |"
        print "|---|---|---|"
        header["include/kaon"] = "<kaon/kaon.hpp>"; header["include/torch"] = "<torch/torch.h>"
        header["include/eigen"] = "<Eigen/Dense>"
        by["include/kaon"] = "kaon"; by["include/torch"] = "libtorch"; by["include/eigen"] = "eigen"
        for (i = 1; i <= n["include"]; ++i) {
          h = order["include", i]
          printf "| `%s` | %s | %s |\n", header[h], sec(cell(h, by[h], "O0")), sec(cell(h, by[h], "O2"))
        }
        print ""
      }
      # The -O2 command of the first cell of each group and side: those of the programs and of
      # the examples, and of the header-only programs when there is nothing else.
      print "The commands at -O2 (`<repo>` is the checkout; -O0 differs only in the `-O`):"
      print ""
      print "```sh"
      for (i = 1; i <= ncmd; ++i) {
        split(cmd_key[i], part, SUBSEP)
        if (part[1] == "include" && (shown["program"] || shown["example"])) continue
        print "# " part[2] " (" part[1] ")"
        print unrepo(cmd_text[i])
        shown[part[1]] = 1
      }
      print "```"
    }' "$out_tsv"
  if ((${#sizes[@]})); then
    echo
    echo "### The MLP program's binary at -O2"
    echo
    echo "| binary | .text | code and read-only data (\`size\`) | file | shared libraries it needs |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${sizes[@]}"
  fi
} >"$out_md"

status=0
for ((i = 0; i < ncells; ++i)); do
  if ((failed[i])); then status=1; fi
done

# ---- RESULTS.md -------------------------------------------------------------------------------

if ((status)); then
  kaon_log "Some compilations or runs failed (see above); $results left as it was"
elif [[ -n "$only" ]]; then
  kaon_log "A subset (KAON_COMPILE_ONLY): $results left as it was"
else
  begin='<!-- compile-time:begin -->' end='<!-- compile-time:end -->'
  touch "$results"
  if ! grep -qxF "$begin" "$results"; then
    printf '\n%s\n%s\n' "$begin" "$end" >>"$results"
  fi
  awk -v begin="$begin" -v end="$end" -v section="$out_md" '
    $0 == begin { print; while ((getline line < section) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip' "$results" >"$results.tmp"
  mv "$results.tmp" "$results"
  kaon_log "Spliced into $results"
fi

kaon_log "Compile times: $out_md (TSV: $out_tsv)"
cat "$out_md"
exit "$status"
