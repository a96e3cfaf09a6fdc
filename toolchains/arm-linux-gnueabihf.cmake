# Cross-compile for 32-bit ARM boards: armv7-a with NEON-VFPv4, hard float (Raspberry Pi 2/3/4
# on 32-bit Raspberry Pi OS, most Cortex-A7/A9/A15 boards). NEON is the baseline here.
# Needs: scripts/install-deps.sh --cross (g++-arm-linux-gnueabihf, qemu-user).
# Usage: cmake --preset armhf  (or -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-linux-gnueabihf.cmake)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(FG_TRIPLE arm-linux-gnueabihf)
set(FG_DEB_ARCH armhf)
set(FG_QEMU qemu-arm)
set(FG_QEMU_CPU_DEFAULT max)   # cortex-a7 / cortex-a15 are the realistic board cores
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
set(CMAKE_CXX_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
