# Compile flags for the libFuzzer build (included by the top-level CMakeLists.txt when
# SEXTANT_BUILD_FUZZ is ON, before any module is added, so every library is instrumented).
# Configure with clang, e.g.:
#   CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DSEXTANT_BUILD_FUZZ=ON \
#     -DSEXTANT_BUILD_TESTS=OFF -DSEXTANT_BUILD_BENCH=OFF -DSEXTANT_WERROR=OFF
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SEXTANT_BUILD_FUZZ needs clang (libFuzzer): set CXX=clang++-14")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g)
add_link_options(-fsanitize=address,undefined)
