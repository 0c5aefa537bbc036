# SPDX-License-Identifier: MIT
# kaon_target_native(<target>): compiles the target's C++ for the building machine's own
# instruction set (-march=native) when KAON_NATIVE is ON and the compiler takes the flag: the
# benchmarks, and kaon_native_tests, which runs tests in that code (AVX-512 on such a machine:
# wider vectors, 64-byte aligned stores) as well as the default build's.
include_guard(GLOBAL)
include(CheckCXXCompilerFlag)

# kaon_native_flags(<var>): those flags, or nothing where KAON_NATIVE is OFF or the compiler
# does not take -march=native.
function(kaon_native_flags out)
  set(_flags "")
  if(KAON_NATIVE)
    check_cxx_compiler_flag(-march=native KAON_HAVE_MARCH_NATIVE)
    if(KAON_HAVE_MARCH_NATIVE)
      set(_flags -march=native)
      # On an AVX-512 machine GCC 12's <avx512fintrin.h> initialises _mm512_undefined_ps() from
      # itself, and Eigen's gemm kernel, inlined, then warns -W(maybe-)uninitialized inside that
      # system header (fixed in GCC 13). Only -march=native targets see it; every kaon header
      # keeps both warnings in the tests and examples built without it.
      if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
        list(APPEND _flags -Wno-uninitialized -Wno-maybe-uninitialized)
      endif()
    endif()
  endif()
  set(${out} "${_flags}" PARENT_SCOPE)
endfunction()

function(kaon_target_native target)
  kaon_native_flags(_flags)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${_flags}>")
endfunction()
