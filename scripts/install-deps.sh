#!/usr/bin/env bash
# Installs the Debian 12 packages povsim needs to build, test and analyse.
# Idempotent: packages already present are skipped, so a second call costs a few dpkg queries.
set -euo pipefail

PACKAGES=(
  build-essential clang cmake ninja-build pkg-config
  libboost-random-dev libtbb-dev libyaml-cpp-dev libhdf5-dev librandom123-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libnlopt-cxx-dev libeigen3-dev libcli11-dev
  libopenmpi-dev openmpi-bin
  python3 python3-h5py python3-numpy python3-scipy python3-matplotlib python3-yaml
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "povsim: installing Debian packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "povsim: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
