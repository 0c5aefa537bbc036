# SPDX-License-Identifier: MIT
# kaon_target_sanitizers(<target>): AddressSanitizer and UndefinedBehaviorSanitizer for kaon's own
# tests, examples and benchmarks when KAON_SANITIZE is ON. Never applied to the kaon INTERFACE
# target, so programs that link kaon::kaon are built as their authors chose.
include_guard(GLOBAL)

function(kaon_target_sanitizers target)
  if(NOT KAON_SANITIZE)
    return()
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "MSVC")
    message(FATAL_ERROR "KAON_SANITIZE supports GCC and Clang only")
  endif()
  # KAON_SANITIZERS: address,undefined by default; tools/run_tests.sh's clang stages use thread,
  # and address,undefined plus clang's float-cast-overflow and implicit-integer-truncation.
  set(_flags -fsanitize=${KAON_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${_flags}>")
  target_link_options(${target} PRIVATE "$<$<LINK_LANGUAGE:CXX>:${_flags}>")
endfunction()
