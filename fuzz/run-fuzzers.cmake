# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets with clang (fuzz/project) and runs each for a bounded time on a copy
# of its seed corpus. Fails on the first crash, leak, sanitizer report or timeout: libFuzzer exits
# non-zero and leaves the input as crash-*/leak-*/timeout-* in the work folder, which is printed.
#
# cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<folder> -DCLANGXX=<clang++> [-DSECONDS=15] -P run-fuzzers.cmake
foreach(required SOURCE_DIR WORK_DIR CLANGXX)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "run-fuzzers.cmake needs -D${required}=...")
  endif()
endforeach()
if(NOT DEFINED SECONDS)
  set(SECONDS 15)
endif()
set(targets kubeconfig watchstream apierror prometheus)

set(build ${WORK_DIR}/build)
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/fuzz/project -B ${build} -G Ninja
          -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=${CLANGXX}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring the clang fuzz build failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${build} -j2 RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "building the fuzz targets failed")
endif()

set(failed)
foreach(target ${targets})
  # A fresh copy each run: libFuzzer adds what it finds to the corpus folder it is given, and the
  # checked-in seeds stay as they are.
  set(corpus ${WORK_DIR}/corpus/${target})
  set(artifacts ${WORK_DIR}/artifacts/${target}/)
  file(REMOVE_RECURSE ${corpus} ${artifacts})
  file(MAKE_DIRECTORY ${corpus} ${artifacts})
  file(GLOB seeds ${SOURCE_DIR}/fuzz/corpus/${target}/*)
  file(COPY ${seeds} DESTINATION ${corpus})
  message(STATUS "fuzz_${target}: ${SECONDS} s")
  execute_process(
    COMMAND ${build}/fuzz_${target} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
            -max_len=65536 -print_final_stats=1 -artifact_prefix=${artifacts} ${corpus}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output ERROR_VARIABLE output)
  string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${output}")
  if(NOT result EQUAL 0)
    message("${output}")
    file(GLOB found ${artifacts}*)
    message(SEND_ERROR "fuzz_${target} failed (exit ${result}); input: ${found}")
    list(APPEND failed ${target})
  else()
    message(STATUS "fuzz_${target}: no findings (${runs})")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "fuzz targets with findings: ${failed}")
endif()
