#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds, runs CTest.
#   1. host build + the whole suite, then 25 s of each libFuzzer target (scripts/fuzz.sh --ci),
#      then the public API's test under ASan+UBSan
#   2. aarch64 cross build + the whole suite under qemu -cpu max (dotprod, i8mm), then the
#      tests whose results depend on the kernels picked (labels kernels + isa, tests/CMakeLists.txt)
#      under -cpu cortex-a72 (a Raspberry Pi 4 core: plain NEON, no dotprod), after checking that
#      the model files it made under qemu equal the host's byte for byte; then the exact ARM
#      instruction counts against their baseline (bench/arm_cost/ci_check.sh)
#   3. armhf cross build of the kernel tests + ctest -L kernels under qemu-arm
# FG_SKIP_CROSS=1 stops after step 1 (for a quick local run). Any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
t_start=$SECONDS

# ccache when present: CI runs in a fresh clone each time, BASEDIR makes the hits path-free.
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi

step() { echo; echo "=== $* ($((SECONDS - t_start)) s) ==="; }

# ctest, then how many entries reported Skipped (exit 77: the data they need is absent).
run_ctest() {
  local log n
  log=$(mktemp)
  ctest "$@" | tee "$log"
  n=$(grep -c '(Skipped)$' "$log" || true)
  echo "ctest $*: $n skipped (need ../shared; tests/doctest_main.cc)"
  rm -f "$log"
}

step "host: dependencies, build, tests"
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
run_ctest --preset release -j "$jobs"

step "host: fuzz targets under ASan+UBSan, 25 s each on the committed corpora (scripts/fuzz.sh --ci)"
scripts/fuzz.sh --ci

# The C API is the boundary other people's code calls: its test runs under ASan+UBSan too
# (a Debug build of only what test_api links; the models are the release build's).
step "host: the public API's test under ASan+UBSan (asan preset, test_api)"
cmake --preset asan -DFG_HOST_MODEL_DIR="$PWD/build/release/models" >/dev/null
cmake --build --preset asan -j "$jobs" --target test_api
run_ctest --preset asan -R '^test_api$'

if [[ "${FG_SKIP_CROSS:-0}" == 1 ]]; then
  echo "FG_SKIP_CROSS=1: skipping the aarch64/armhf builds"
  exit 0
fi
# The cross toolchains are x86-64 packages; on an ARM board step 1 already was the native build.
if [[ "$(uname -m)" != x86_64 ]]; then
  echo "$(uname -m) host: the native build above is the board build; no cross builds"
  exit 0
fi

step "cross: dependencies and sysroots"
scripts/install-deps.sh --cross
scripts/sysroot.sh arm64
scripts/sysroot.sh armhf

# aarch64 converts its model files with its own fg_convert under qemu (tests the ARM
# converter too); the suite then runs on the same build with two CPU models.
step "aarch64: build"
cmake --preset aarch64 >/dev/null
cmake --build --preset aarch64 -j "$jobs"
step "aarch64: its own model files (fg_convert + fg_quantize under qemu) equal the host's byte for byte"
scripts/check-models-identical.sh build/release build/aarch64
step "aarch64: tests under qemu -cpu max"
run_ctest --preset aarch64 -j "$jobs"
step "aarch64: kernel- and ISA-dependent tests under qemu -cpu cortex-a72 (labels kernels, isa)"
run_ctest --preset aarch64-a72 -j "$jobs"
step "aarch64: exact instruction counts of every net vs bench/arm_cost/baseline.tsv"
bench/arm_cost/ci_check.sh build/aarch64

# armhf runs the kernel tests only, so build just those; their model-file dependency is
# satisfied by copying the host build's files instead of converting under qemu-arm.
step "armhf: build kernel tests"
cmake --preset armhf -DFG_HOST_MODEL_DIR="$PWD/build/release/models" >/dev/null
mapfile -t kernel_tests < <(ctest --preset armhf-kernels -N | sed -n 's/^ *Test *#[0-9]*: *//p')
if [[ ${#kernel_tests[@]} -eq 0 ]]; then
  echo "armhf: no test labelled 'kernels' found" >&2
  exit 1
fi
cmake --build --preset armhf -j "$jobs" --target "${kernel_tests[@]}"
step "armhf: kernel tests under qemu-arm"
run_ctest --preset armhf-kernels -j "$jobs"

step "all passed"
