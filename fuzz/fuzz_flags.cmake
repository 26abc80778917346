# Compile flags for the libFuzzer build (included by the top-level CMakeLists.txt when
# SEXTANT_BUILD_FUZZ is ON, before any module is added, so every library is instrumented).
# Configure with clang, e.g.:
#   CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DSEXTANT_BUILD_FUZZ=ON \
#     -DSEXTANT_BUILD_TESTS=OFF -DSEXTANT_BUILD_BENCH=OFF -DSEXTANT_WERROR=OFF
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SEXTANT_BUILD_FUZZ needs clang (libFuzzer): set CXX=clang++-14")
endif()
# -O1 and line tables only (enough for symbolized stack traces), the usual libFuzzer build: it
# compiles faster than -O3 with full debug info, and this build is part of every test run.
# Debug info made ccache hash the build folder, so no two checkouts shared entries: the source
# path is mapped out of the debug info and ccache told not to hash the folder (CCACHE_NOHASHDIR).
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -O1 -gline-tables-only -fdebug-prefix-map=${CMAKE_SOURCE_DIR}=.)
add_link_options(-fsanitize=address,undefined)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
                                  CCACHE_COMPILERCHECK=content CCACHE_NOHASHDIR=true
                                  ${CCACHE_PROGRAM})
endif()
