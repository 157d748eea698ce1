#!/usr/bin/env bash
# README command 2: set up, build and run the whole test suite (GoogleTest through CTest).
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   built with clang++ under AddressSanitizer + UndefinedBehaviorSanitizer
#                                in build-asan/: one build checks both that the project builds with
#                                clang and the suite under the sanitizers (CI runs this one)
#   scripts/test.sh --clang      the same suite built with clang++ alone in build-clang/
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  CC=clang CXX=clang++ POVSIM_BUILD_TYPE=RelWithDebInfo bash scripts/build.sh build-asan -DPOVSIM_SANITIZE=ON \
    -DPOVSIM_BUILD_BENCHMARKS=OFF
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  ctest --test-dir build-asan --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
elif [ "${1:-}" = "--clang" ]; then
  CC=clang CXX=clang++ bash scripts/build.sh build-clang -DPOVSIM_BUILD_BENCHMARKS=OFF
  ctest --test-dir build-clang --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
else
  bash scripts/build.sh build
  ctest --test-dir build --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
fi
