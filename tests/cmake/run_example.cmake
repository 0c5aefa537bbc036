# SPDX-License-Identifier: MIT
# Runs one example and checks the figures it prints against the bounds in its expected.cmake:
#   cmake -DEXAMPLE=<exe> -DOUTPUT_DIR=<dir> -DEXPECTED=<expected.cmake> -P run_example.cmake
# expected.cmake calls expect("<label>" <low> <high>) for each line "<label>: <number>".
cmake_minimum_required(VERSION 3.21)

file(REMOVE_RECURSE "${OUTPUT_DIR}")
execute_process(COMMAND "${EXAMPLE}" "${OUTPUT_DIR}"
                OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
message("${_out}${_err}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${EXAMPLE} failed with exit status ${_rc}")
endif()

set(_failures "")
function(expect label low high)
  string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _pattern "${label}")
  # The value is the next word, whatever it is: "-nan" or "inf" fail the comparison below.
  string(REGEX MATCH "(^|\n)${_pattern}: ([^ \n,]+)" _match "${_out}")
  if(NOT _match)
    set(_failures "${_failures}\n  no line '${label}: <number>' in the output" PARENT_SCOPE)
  elseif(NOT (CMAKE_MATCH_2 GREATER_EQUAL low AND CMAKE_MATCH_2 LESS_EQUAL high))
    set(_failures "${_failures}\n  ${label}: ${CMAKE_MATCH_2} is outside [${low}, ${high}]"
        PARENT_SCOPE)
  endif()
endfunction()

include("${EXPECTED}")
if(_failures)
  message(FATAL_ERROR "${EXAMPLE}: figures out of bounds:${_failures}")
endif()
message(STATUS "every figure in ${EXPECTED} is within its bounds")
