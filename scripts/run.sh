#!/usr/bin/env bash
# README command 1: set up, build (Release) and run the default scenario on the embedded default
# population. Extra arguments go to `povsim run`, e.g. scripts/run.sh --households 200000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build
mkdir -p results
build/povsim run scenarios/baseline.yaml --out results/baseline.h5 "$@"
