# FG_FUZZ=ON: the libFuzzer targets in tests/fuzz (scripts/fuzz.sh, docs/reliability.md).
# Needs clang (libFuzzer ships with it: Debian clang-14 + libclang-rt-14-dev); use the `fuzz`
# preset or -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 in a separate build dir.
# Every library is instrumented for coverage (fuzzer-no-link) and ASan+UBSan, so a bug in the
# runtime is seen wherever the fuzzed input takes it; UBSan does not recover, so any report
# ends the run with a non-zero status.
option(FG_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)
if(FG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FG_FUZZ=ON needs clang (cmake --preset fuzz), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(FG_SANITIZE)
    message(FATAL_ERROR "FG_FUZZ=ON already builds with ASan+UBSan: leave FG_SANITIZE OFF")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -g)
  add_link_options(-fsanitize=address,undefined)
endif()
