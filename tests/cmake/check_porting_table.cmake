# SPDX-License-Identifier: MIT
# Keeps docs/porting.md and tests/api/porting_table_test.cpp from drifting apart: every code span
# in the kaon column (the third) of the guide's tables must appear in the test file, verbatim up
# to whitespace (clang-format may break a long call over lines). Fails listing the spans it did
# not find, and also fails on a table row whose kaon cell holds no code span at all.
#
#   cmake -DDOC=docs/porting.md -DTEST_FILE=tests/api/porting_table_test.cpp \
#         -P tests/cmake/check_porting_table.cmake
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS DOC TEST_FILE)
  if("${${_var}}" STREQUAL "")
    message(FATAL_ERROR "check_porting_table.cmake: ${_var} is not set")
  endif()
  if(NOT EXISTS "${${_var}}")
    message(FATAL_ERROR "check_porting_table.cmake: ${_var} '${${_var}}' does not exist")
  endif()
endforeach()

# CMake lists split at ';' and do not split inside '[...]', so those characters are replaced by
# markers while the text is handled as a list, and put back before searching.
function(_kaon_encode out text)
  string(REPLACE ";" "<kaon:semicolon>" text "${text}")
  string(REPLACE "[" "<kaon:lbracket>" text "${text}")
  string(REPLACE "]" "<kaon:rbracket>" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
function(_kaon_decode out text)
  string(REPLACE "<kaon:semicolon>" ";" text "${text}")
  string(REPLACE "<kaon:lbracket>" "[" text "${text}")
  string(REPLACE "<kaon:rbracket>" "]" text "${text}")
  string(REPLACE "<kaon:pipe>" "|" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(READ "${DOC}" _doc)
file(READ "${TEST_FILE}" _test)
string(REGEX REPLACE "[ \t\r\n]+" "" _test_squeezed "${_test}")

_kaon_encode(_doc "${_doc}")
string(REPLACE "\n" ";" _lines "${_doc}")
set(_line_number 0)
set(_checked 0)
set(_rows 0)
set(_missing "")
set(_problems "")
foreach(_line IN LISTS _lines)
  math(EXPR _line_number "${_line_number} + 1")
  if(NOT _line MATCHES "^\\|" OR _line MATCHES "^\\|[-: |]+$")
    continue()  # not a table row, or the row under a header
  endif()
  # A '|' inside a cell is written '\|' (GitHub's table syntax, also inside code spans).
  string(REPLACE "\\|" "<kaon:pipe>" _row "${_line}")
  string(REGEX REPLACE "^\\|" "" _row "${_row}")
  string(REGEX REPLACE "\\|[ \t\r]*$" "" _row "${_row}")
  string(REPLACE "|" ";" _cells "${_row}")
  list(LENGTH _cells _n)
  if(NOT _n EQUAL 4)
    string(APPEND _problems "\n  ${DOC}:${_line_number}: ${_n} cells, expected 4")
    continue()
  endif()
  list(GET _cells 2 _kaon)
  string(STRIP "${_kaon}" _kaon)
  if(_kaon STREQUAL "kaon")
    continue()  # a header row
  endif()
  math(EXPR _rows "${_rows} + 1")
  string(REGEX MATCHALL "`[^`]+`" _spans "${_kaon}")
  if(NOT _spans)
    _kaon_decode(_cell "${_kaon}")
    string(APPEND _problems "\n  ${DOC}:${_line_number}: no code span in the kaon cell '${_cell}'")
  endif()
  foreach(_span IN LISTS _spans)
    string(REGEX REPLACE "^`(.*)`$" "\\1" _span "${_span}")
    _kaon_decode(_span "${_span}")
    string(REGEX REPLACE "[ \t\r\n]+" "" _squeezed "${_span}")
    string(FIND "${_test_squeezed}" "${_squeezed}" _at)
    math(EXPR _checked "${_checked} + 1")
    if(_at EQUAL -1)
      string(APPEND _missing "\n  ${DOC}:${_line_number}: ${_span}")
    endif()
  endforeach()
endforeach()

if(_rows EQUAL 0)
  message(FATAL_ERROR "check_porting_table.cmake: no table rows found in ${DOC}")
endif()
if(NOT _problems STREQUAL "")
  message(FATAL_ERROR "check_porting_table.cmake: malformed rows in ${DOC}:${_problems}")
endif()
if(NOT _missing STREQUAL "")
  message(FATAL_ERROR "check_porting_table.cmake: kaon-column spans of ${DOC} that ${TEST_FILE} "
                      "does not use:${_missing}")
endif()
message(STATUS "check_porting_table.cmake: ${_checked} kaon spans in ${_rows} rows of ${DOC}, "
               "all used in ${TEST_FILE}")
