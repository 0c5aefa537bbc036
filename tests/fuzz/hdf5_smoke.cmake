# SPDX-License-Identifier: MIT
# The HDF5 fuzz smoke (CTest fuzz_hdf5): runs kaon_fuzz_hdf5 for SECONDS in libFuzzer's fork mode,
# which goes on past a crash, then sorts what it found. An input on which plain HDF5 calls
# (tools/hdf5_plain_read.cpp: the calls kaon makes, without kaon) also crash or leak is
# libhdf5's own fault and is only listed (docs/reliability.md); any other finding is kaon's and
# fails the test.
#
#   cmake -DFUZZER=... -DPLAIN=... -DWORK=... -DCORPUS=... -DSECONDS=... -P hdf5_smoke.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus")
execute_process(
  COMMAND "${FUZZER}" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -seed=1
          -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 "-artifact_prefix=${WORK}/"
          "${WORK}/corpus" "${CORPUS}"
  RESULT_VARIABLE fuzz_status OUTPUT_VARIABLE fuzz_output ERROR_VARIABLE fuzz_output)
string(REGEX MATCHALL "#[0-9]+: cov: [^\n]*" progress "${fuzz_output}")
list(POP_BACK progress last)
message(STATUS "kaon_fuzz_hdf5 (exit ${fuzz_status}): ${last}")

file(GLOB findings "${WORK}/crash-*" "${WORK}/leak-*" "${WORK}/timeout-*" "${WORK}/oom-*")
set(kaon_findings "")
foreach(input IN LISTS findings)
  # libhdf5 can take all of memory on some files: past 2 GiB the plain run stops, a failure.
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env
                          "ASAN_OPTIONS=allocator_may_return_null=1:hard_rss_limit_mb=2048"
                          "${PLAIN}" "${input}" RESULT_VARIABLE plain_status TIMEOUT 60
                  OUTPUT_QUIET ERROR_VARIABLE plain_output)
  if(plain_status EQUAL 0)
    list(APPEND kaon_findings "${input}")
  else()
    string(REGEX MATCH "SUMMARY: [^\n]*" summary "${plain_output}")
    message(STATUS "libhdf5's own (plain HDF5 calls fail the same way): ${input}: ${summary}")
  endif()
endforeach()
if(kaon_findings)
  list(JOIN kaon_findings "\n  " listed)
  message(FATAL_ERROR "kaon_fuzz_hdf5 found inputs that plain HDF5 calls read without fault, so "
                      "the fault is kaon's (run kaon_fuzz_hdf5 on each to see it):\n  ${listed}")
endif()
if(NOT fuzz_status EQUAL 0 AND NOT findings)
  message(FATAL_ERROR "kaon_fuzz_hdf5 failed with exit status ${fuzz_status}:\n${fuzz_output}")
endif()
