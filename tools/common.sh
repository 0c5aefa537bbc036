# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers shared by tools/run_examples.sh and tools/run_tests.sh; sourced, not run.
#   KAON_NO_APT=1   skip apt-get (install the packages yourself; no root needed then).

kaon_log() {
  printf '\n==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"
}

# kaon_apt_install PACKAGE...: install Debian packages unless KAON_NO_APT=1.
kaon_apt_install() {
  if [[ "${KAON_NO_APT:-0}" == 1 ]]; then
    kaon_log "KAON_NO_APT=1: not installing $*"
    return 0
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "error: installing packages needs root; run as root, or install $* yourself" \
      "and set KAON_NO_APT=1" >&2
    return 1
  fi
  kaon_log "Installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "$@"
}

# kaon_generator: Ninja when it is installed, else Unix Makefiles.
kaon_generator() {
  if command -v ninja >/dev/null 2>&1; then
    echo Ninja
  else
    echo "Unix Makefiles"
  fi
}

# kaon_fresh_if_changed DIR GENERATOR [COMPILER]: CMake refuses to reuse a build tree made by
# another generator, and re-configures one made with another C++ compiler from scratch, so such
# a tree is removed (this keeps the scripts safe to run again, also across script versions).
kaon_fresh_if_changed() {
  local dir="$1" generator="$2" compiler="${3:-}" cached
  [[ -f "$dir/CMakeCache.txt" ]] || return 0
  cached="$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$dir/CMakeCache.txt")"
  if [[ "$cached" != "$generator" ]]; then
    kaon_log "Removing $dir (made with '$cached', now using '$generator')"
    rm -rf "$dir"
    return 0
  fi
  cached="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$dir/CMakeCache.txt")"
  if [[ -n "$compiler" && "$(basename "$cached")" != "$compiler" ]]; then
    kaon_log "Removing $dir (made with '$cached', now using '$compiler')"
    rm -rf "$dir"
  fi
}

# Prints the path of nvcc (PATH first, then /usr/local/cuda/bin), or nothing when there is none or
# KAON_NO_CUDA=1.
kaon_nvcc() {
  [[ "${KAON_NO_CUDA:-0}" == 1 ]] && return 0
  if command -v nvcc; then
    return 0
  fi
  if [[ -x /usr/local/cuda/bin/nvcc ]]; then
    echo /usr/local/cuda/bin/nvcc
  fi
  return 0
}
