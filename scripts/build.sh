#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds povsim.
#   scripts/build.sh [BUILD_DIR=build] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true
bash scripts/install-deps.sh
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${POVSIM_BUILD_TYPE:-Release}" "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
