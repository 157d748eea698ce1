#!/usr/bin/env bash
# README command 2: set up, build and run the whole test suite (GoogleTest through CTest).
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#   scripts/test.sh --clang      the same suite built with clang++ in build-clang/ (the project must
#                                build with both g++ and clang)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  POVSIM_BUILD_TYPE=RelWithDebInfo bash scripts/build.sh build-asan -DPOVSIM_SANITIZE=ON -DPOVSIM_BUILD_BENCHMARKS=OFF
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  ctest --test-dir build-asan --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
elif [ "${1:-}" = "--clang" ]; then
  CC=clang CXX=clang++ bash scripts/build.sh build-clang -DPOVSIM_BUILD_BENCHMARKS=OFF
  ctest --test-dir build-clang --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
else
  bash scripts/build.sh build
  ctest --test-dir build --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
fi
