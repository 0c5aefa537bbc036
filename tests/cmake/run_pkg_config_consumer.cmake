# SPDX-License-Identifier: MIT
# Installs kaon from KAON_BUILD_DIR into PREFIX, then builds tests/cmake/pkg_config/read_hdf5.cpp
# with nothing but the compiler and `pkg-config --cflags --libs kaon-hdf5` (the command line the
# README gives), runs it, and fails on any step.
#   cmake -DKAON_BUILD_DIR=... -DPREFIX=... -DPKGCONFIG_DIR=... -DCXX_COMPILER=... -DPKG_CONFIG=... -DSOURCE=...
#         -DWORK_DIR=... -P run_pkg_config_consumer.cmake
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS KAON_BUILD_DIR PREFIX PKGCONFIG_DIR CXX_COMPILER PKG_CONFIG SOURCE WORK_DIR)
  if("${${_var}}" STREQUAL "")
    message(FATAL_ERROR "run_pkg_config_consumer.cmake: ${_var} is not set")
  endif()
endforeach()

function(run_step name)
  list(JOIN ARGN " " _pretty)
  message(STATUS "[pkg-config] ${name}: ${_pretty}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  message(STATUS "${_out}${_err}")
  if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR "[pkg-config] ${name} failed: ${_rc}")
  endif()
  set(_step_out "${_out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
run_step(install "${CMAKE_COMMAND}" --install "${KAON_BUILD_DIR}" --prefix "${PREFIX}")
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${PKGCONFIG_DIR}")
run_step(flags "${PKG_CONFIG}" --cflags --libs kaon-hdf5)
string(STRIP "${_step_out}" _flags)
separate_arguments(_flags UNIX_COMMAND "${_flags}")
run_step(compile "${CXX_COMPILER}" "${SOURCE}" ${_flags} -o "${WORK_DIR}/read_hdf5")
run_step(run "${WORK_DIR}/read_hdf5" "${WORK_DIR}/events.h5")
