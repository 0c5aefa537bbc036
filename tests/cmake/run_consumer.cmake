# SPDX-License-Identifier: MIT
# Builds and runs one consumer project of tests/cmake/ the way a user would, failing on any step.
#   MODE=find_package      installs kaon from KAON_BUILD_DIR into PREFIX, then finds it there.
#   MODE=add_subdirectory  adds KAON_SOURCE_DIR as a subdirectory of the consumer.
# Called by CTest (see tests/CMakeLists.txt) as: cmake -D<VAR>=<value>... -P run_consumer.cmake
cmake_minimum_required(VERSION 3.21)

foreach(_var IN ITEMS MODE KAON_SOURCE_DIR KAON_BUILD_DIR CONSUMER_SOURCE_DIR CONSUMER_BINARY_DIR
                      GENERATOR CXX_COMPILER)
  if("${${_var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: ${_var} is not set")
  endif()
endforeach()

function(run_step name)
  list(JOIN ARGN " " _pretty)
  message(STATUS "[${MODE}] ${name}: ${_pretty}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR "[${MODE}] ${name} failed: ${_rc}")
  endif()
endfunction()

set(_config_args "")
if(NOT "${CONFIG}" STREQUAL "")
  set(_config_args --config "${CONFIG}")
endif()

set(_configure
  "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${CONSUMER_BINARY_DIR}"
  -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
if(NOT "${GENERATOR_PLATFORM}" STREQUAL "")
  list(APPEND _configure -A "${GENERATOR_PLATFORM}")
endif()
if(NOT "${GENERATOR_TOOLSET}" STREQUAL "")
  list(APPEND _configure -T "${GENERATOR_TOOLSET}")
endif()
if(NOT "${MAKE_PROGRAM}" STREQUAL "")
  list(APPEND _configure "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(NOT "${CONFIG}" STREQUAL "")
  list(APPEND _configure "-DCMAKE_BUILD_TYPE=${CONFIG}")
endif()
if(NOT "${EXPECT_PRECOMPILED}" STREQUAL "")
  list(APPEND _configure "-DEXPECT_PRECOMPILED=${EXPECT_PRECOMPILED}")
endif()
if(NOT "${EIGEN3_DIR}" STREQUAL "")
  list(APPEND _configure "-DEigen3_DIR=${EIGEN3_DIR}")
endif()

if(MODE STREQUAL "find_package")
  if("${PREFIX}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: PREFIX is not set")
  endif()
  file(REMOVE_RECURSE "${PREFIX}")
  run_step(install "${CMAKE_COMMAND}" --install "${KAON_BUILD_DIR}" --prefix "${PREFIX}" ${_config_args})
  list(APPEND _configure "-DCMAKE_PREFIX_PATH=${PREFIX}")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND _configure "-DKAON_SOURCE_DIR=${KAON_SOURCE_DIR}")
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()

# A fresh tree each time, so a stale cache cannot hide a broken package.
file(REMOVE_RECURSE "${CONSUMER_BINARY_DIR}")
run_step(configure ${_configure})

if(MODE STREQUAL "find_package")
  # The package must come from the prefix just installed, not from some other kaon on the system.
  file(STRINGS "${CONSUMER_BINARY_DIR}/CMakeCache.txt" _kaon_dir REGEX "^kaon_DIR:")
  string(REGEX REPLACE "^kaon_DIR:[A-Z]+=" "" _kaon_dir "${_kaon_dir}")
  file(REAL_PATH "${PREFIX}" _prefix)
  file(REAL_PATH "${_kaon_dir}" _kaon_dir)
  string(FIND "${_kaon_dir}" "${_prefix}/" _at)
  if(NOT _at EQUAL 0)
    message(FATAL_ERROR "[${MODE}] found kaon in '${_kaon_dir}', not under '${_prefix}'")
  endif()
endif()

run_step(build "${CMAKE_COMMAND}" --build "${CONSUMER_BINARY_DIR}" ${_config_args})

set(_ctest_config "")
if(NOT "${CONFIG}" STREQUAL "")
  set(_ctest_config -C "${CONFIG}")
endif()
run_step(run "${CMAKE_CTEST_COMMAND}" --test-dir "${CONSUMER_BINARY_DIR}" ${_ctest_config}
         --output-on-failure --verbose)
