# Shared part of the cross toolchain files (included by aarch64-linux-gnu.cmake and
# arm-linux-gnueabihf.cmake after they set FG_TRIPLE, FG_DEB_ARCH, FG_QEMU and the flags).
#
# Libraries come from a per-arch sysroot of Debian packages unpacked by scripts/sysroot.sh
# (build/sysroot-<deb arch>); libc/libstdc++ come from the cross compiler's /usr/<triple>.
# Tests run under qemu-user through CMAKE_CROSSCOMPILING_EMULATOR (no binfmt needed).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${FG_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${FG_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${FG_TRIPLE})

get_filename_component(_fg_src "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(FG_SYSROOT "${_fg_src}/build/sysroot-${FG_DEB_ARCH}" CACHE PATH
    "Debian ${FG_DEB_ARCH} packages unpacked by scripts/sysroot.sh")
# A fresh clone has no sysroot yet: make it, so `cmake --preset aarch64` just works.
# (The toolchain file is read again for every try_compile; by then the stamp exists.)
if(NOT EXISTS "${FG_SYSROOT}/.fg-sysroot")
  if(NOT FG_SYSROOT STREQUAL "${_fg_src}/build/sysroot-${FG_DEB_ARCH}")
    message(FATAL_ERROR "FG_SYSROOT=${FG_SYSROOT} has no .fg-sysroot stamp")
  endif()
  message(STATUS "facegate: no ${FG_DEB_ARCH} sysroot yet, running scripts/sysroot.sh ${FG_DEB_ARCH}")
  execute_process(COMMAND "${_fg_src}/scripts/sysroot.sh" ${FG_DEB_ARCH} RESULT_VARIABLE _fg_rc)
  if(NOT _fg_rc EQUAL 0)
    message(FATAL_ERROR "scripts/sysroot.sh ${FG_DEB_ARCH} failed (${_fg_rc})")
  endif()
endif()

# Search the sysroot, then the toolchain's own root; never the host's /usr (its
# xnnpack.h/libXNNPACK.so are x86). Programs (ninja, ccache) come from the host.
set(CMAKE_FIND_ROOT_PATH "${FG_SYSROOT}" "/usr/${FG_TRIPLE}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# libXNNPACK.so needs libcpuinfo/libpthreadpool: tell the linker where to resolve them.
# Some runtime libraries (zlib1g: libz.so.1) unpack to /lib/<triple>, not /usr/lib/<triple>.
set(_fg_libdir "${FG_SYSROOT}/usr/lib/${FG_TRIPLE}:${FG_SYSROOT}/lib/${FG_TRIPLE}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_fg_libdir}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_fg_libdir}")

# Emulator. The CPU model is read when each test starts: environment FG_QEMU_CPU if set,
# else the cache value. So one build can run its suite on several CPU models:
#   ctest --preset aarch64            (-cpu max: dotprod, i8mm)
#   FG_QEMU_CPU=cortex-a72 ctest ...  (plain NEON path), or ctest --preset aarch64-a72
# `sh -c '...' prog args`: sh gets prog as $0 and the args as $@. LD_LIBRARY_PATH (guest
# only, -E) because the build RUNPATH reaches libXNNPACK but not its own libcpuinfo.
set(FG_QEMU_CPU "${FG_QEMU_CPU_DEFAULT}" CACHE STRING
    "qemu -cpu model the tests run on (environment FG_QEMU_CPU overrides it)")
set(CMAKE_CROSSCOMPILING_EMULATOR
    /bin/sh -c
    "exec ${FG_QEMU} -L /usr/${FG_TRIPLE} -E LD_LIBRARY_PATH=${_fg_libdir} -cpu \"\${FG_QEMU_CPU:-${FG_QEMU_CPU}}\" \"$0\" \"$@\"")

# The same emulator as one shell-command prefix, for tests that start a built binary
# themselves (popen/system: the exec of an ARM file needs qemu in front without binfmt).
# The test's shell expands ${FG_QEMU_CPU:-...}, so the CPU model follows the ctest run.
set(FG_TEST_EXEC_PREFIX
    "${FG_QEMU} -L /usr/${FG_TRIPLE} -E LD_LIBRARY_PATH=${_fg_libdir} -cpu \${FG_QEMU_CPU:-${FG_QEMU_CPU}}")
