# Cross-compile for 64-bit ARM boards (Raspberry Pi 3/4/5 on a 64-bit OS, RK3588, Jetson).
# Needs: scripts/install-deps.sh --cross (g++-aarch64-linux-gnu, qemu-user).
# Usage: cmake --preset aarch64  (or -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux-gnu.cmake)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(FG_TRIPLE aarch64-linux-gnu)
set(FG_DEB_ARCH arm64)
set(FG_QEMU qemu-aarch64)
set(FG_QEMU_CPU_DEFAULT max)   # max has dotprod + i8mm; cortex-a72 (Pi 4) has neither
# Baseline armv8-a (NEON is part of it); the dotprod/i8mm kernel files add their own -march
# (cmake/isa.cmake) and are only called when the CPU reports the feature.
set(CMAKE_C_FLAGS_INIT "-march=armv8-a")
set(CMAKE_CXX_FLAGS_INIT "-march=armv8-a")
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
