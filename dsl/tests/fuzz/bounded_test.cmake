# Included from dsl/tests/CMakeLists.txt in the default (g++) build: registers
# "rtdl: fuzz (bounded)", which builds the libFuzzer target in a separate clang tree
# (${CMAKE_BINARY_DIR}/dsl-fuzz) and fuzzes for 45 s (run_bounded.sh). Without clang++
# the test is registered as skipped, with the reason in its output.
#
# Cold run: ~configure + build of the sanitized front end + 45 s; warm runs: ~50 s.
# It takes both cores of a 2-core machine (PROCESSORS 2), so under `ctest -j2` nothing
# else runs beside it and no timing-sensitive test is starved; `ctest -LE fuzz` leaves it out.

if(RTDL_FUZZ)
  return()   # this tree is the clang fuzz build itself (tests/fuzz registers its own run)
endif()

find_program(RTDL_FUZZ_CLANGXX NAMES clang++ clang++-18 clang++-17 clang++-16 clang++-15 clang++-14)
set(rtdl_fuzz_test "rtdl: fuzz (bounded)")
if(RTDL_FUZZ_CLANGXX)
  add_test(NAME "${rtdl_fuzz_test}"
           COMMAND ${CMAKE_COMMAND} -E env RTDL_FUZZ_CXX=${RTDL_FUZZ_CLANGXX} RTDL_FUZZ_JOBS=2
                   ${CMAKE_CURRENT_LIST_DIR}/run_bounded.sh
                   ${CMAKE_CURRENT_LIST_DIR}/../.. ${CMAKE_BINARY_DIR}/dsl-fuzz 45)
  set_tests_properties("${rtdl_fuzz_test}" PROPERTIES
    TIMEOUT 600 PROCESSORS 2 RESOURCE_LOCK rtdl_fuzz_build LABELS "fuzz;slow")
else()
  message(STATUS "rtdl: clang++ not found, \"${rtdl_fuzz_test}\" will be skipped")
  add_test(NAME "${rtdl_fuzz_test}"
           COMMAND sh -c "echo 'SKIPPED: clang++ (with libFuzzer) not found; install clang to run the bounded fuzz test'; exit 77")
  set_tests_properties("${rtdl_fuzz_test}" PROPERTIES SKIP_RETURN_CODE 77 LABELS "fuzz;slow")
endif()
