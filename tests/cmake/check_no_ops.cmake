# SPDX-License-Identifier: MIT
# Fails when one of OBJECTS defines a kaon FunctionNode: a program linked to kaon::precompiled
# then compiled an op itself, because kaon/precompiled.hpp's list lacks that op or the argument
# types a kaon function passes it.
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS OBJECTS NM)
  if("${${_var}}" STREQUAL "")
    message(FATAL_ERROR "check_no_ops.cmake: ${_var} is not set")
  endif()
endforeach()
foreach(_object IN LISTS OBJECTS)
  execute_process(COMMAND "${NM}" -C --defined-only "${_object}" OUTPUT_VARIABLE _symbols
                  RESULT_VARIABLE _rc)
  if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR "${NM} failed on ${_object}: ${_rc}")
  endif()
  string(REGEX MATCHALL "[^\n]*FunctionNode<[^\n]*" _ops "${_symbols}")
  if(_ops)
    list(JOIN _ops "\n" _list)
    message(FATAL_ERROR "${_object} compiles ops that kaon::precompiled should provide:\n${_list}")
  endif()
  message(STATUS "${_object}: no FunctionNode defined")
endforeach()
