# SPDX-License-Identifier: MIT
# kaon_target_warnings(<target>): the warning flags for kaon's own tests, examples and benchmarks.
# C++ sources; -Werror (or /WX) when KAON_WERROR is ON. Dependencies found through imported
# targets (Eigen, Catch2, Google Benchmark) are system includes, so their warnings do not count.
include_guard(GLOBAL)

function(kaon_target_warnings target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "MSVC")
    set(_flags /W4 /permissive-)
    if(KAON_WERROR)
      list(APPEND _flags /WX)
    endif()
  else()
    set(_flags -Wall -Wextra -Wpedantic)
    if(KAON_WERROR)
      list(APPEND _flags -Werror)
    endif()
  endif()
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${_flags}>")
  # nvcc's own diagnostics (the host compiler's run on nvcc's generated code is not checked).
  if(KAON_WERROR)
    target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings>")
  endif()
endfunction()
