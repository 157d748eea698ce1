#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs each gating target
# (tests/fuzz/*_fuzz.cpp) for SECONDS (default 60), starting from its seed corpus in
# tests/fuzz/corpus/NAME/. Exits non-zero on the first finding; the crashing input is kept in
# build-fuzz/findings/NAME/. New corpus entries go to build-fuzz/corpus/, never into the repository.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
CC=clang CXX=clang++ POVSIM_BUILD_TYPE=RelWithDebInfo bash scripts/build.sh build-fuzz \
  -DPOVSIM_FUZZ=ON -DPOVSIM_BUILD_TESTS=OFF -DPOVSIM_BUILD_BENCHMARKS=OFF
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/*_fuzz.cpp; do [ -e "$f" ] && targets+=("$(basename "$f" .cpp)"); done
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in "${targets[@]}"; do
  work="build-fuzz/corpus/$t" findings="build-fuzz/findings/$t"
  mkdir -p "$work" "$findings"
  seeds=()
  [ -d "tests/fuzz/corpus/$t" ] && seeds+=("tests/fuzz/corpus/$t")
  echo "fuzz: $t for ${seconds} s"
  (cd build-fuzz && "./tests/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
      -artifact_prefix="findings/$t/" -print_final_stats=1 "corpus/$t" "${seeds[@]/#/../}") 2>&1 \
    | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==|SUMMARY|fuzz)" || true
  if [ -n "$(ls -A "$findings")" ]; then
    echo "fuzz: $t found a failing input: $(ls "$findings")" >&2
    exit 1
  fi
done
