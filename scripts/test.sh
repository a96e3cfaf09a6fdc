#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds, runs CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"
