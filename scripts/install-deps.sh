#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages facegate builds with, only those missing.
# Usage: scripts/install-deps.sh [--cross|--fuzz]   (--cross adds the aarch64/armhf toolchains + qemu,
#        --fuzz clang-14 with libFuzzer and the sanitizer runtimes for scripts/fuzz.sh)
set -euo pipefail
# python3: the Python package test (tests/python, tests/install); pkg-config: the .pc test;
# mosquitto(-clients): tests/test_door_mqtt's broker; openssl: tests/test_gallery_mqtt's mqtts CA.
# lintian, systemd (systemd-analyze): tests/package/lint.sh; debootstrap: tests/package/chroot.sh.
pkgs=(g++ cmake ninja-build pkg-config python3 libstb-dev doctest-dev libbenchmark-dev nlohmann-json3-dev
      libxnnpack-dev libpthreadpool-dev libcpuinfo-dev libgpiod-dev libjpeg62-turbo-dev libpng-dev libsodium-dev
      libmosquitto-dev mosquitto mosquitto-clients openssl lintian systemd debootstrap)
if [[ "${1:-}" == "--cross" ]]; then
  # cross compilers (they bring libc/libstdc++ for /usr/<triple>), qemu-user to run the tests
  # (binfmt is not needed: the toolchains name the emulator), dpkg-dev for the sysroot script
  # and cpack's .deb; ccache makes CI's three builds cheaper. The ARM cost check
  # (bench/arm_cost) builds its qemu plugin with gcc and tabulates with python3.
  pkgs+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user dpkg-dev ccache gcc python3)
elif [[ "${1:-}" == "--fuzz" ]]; then
  pkgs+=(clang-14 libclang-rt-14-dev)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "facegate: installing ${missing[*]}"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
# apt-get update can exit 100 because of one stale third-party index; the Debian ones are fine.
$sudo apt-get update -qq || echo "facegate: apt-get update reported a problem; continuing"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
