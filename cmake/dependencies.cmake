# Debian packages: libstb-dev doctest-dev libbenchmark-dev nlohmann-json3-dev
#                  libxnnpack-dev libpthreadpool-dev libcpuinfo-dev libjpeg62-turbo-dev libpng-dev libsodium-dev
#                  (scripts/install-deps.sh)
find_package(Threads REQUIRED)

find_path(STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb REQUIRED)
find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h)
find_path(NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp REQUIRED)
find_package(benchmark QUIET)
# Image decoders for untrusted files (runtime/image_decode_*.cc): maintained and fuzzed
# upstream, unlike stb_image, which now only writes PNGs.
find_package(JPEG REQUIRED)  # libjpeg-turbo
find_package(PNG REQUIRED)   # libpng 1.6 (+ zlib)
# Debian keeps jconfig.h in the multiarch folder, which a cross sysroot's compiler does not
# search by itself.
if(CMAKE_CROSSCOMPILING AND EXISTS "${FG_SYSROOT}/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/jconfig.h")
  set_property(TARGET JPEG::JPEG APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES
               "${FG_SYSROOT}/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}")
endif()

# libpthreadpool: the Net's thread pool (runtime/base/thread_pool.h), also XNNPACK's. Without it
# NetOptions::threads falls back to 1.
find_path(PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
find_library(PTHREADPOOL_LIBRARY pthreadpool)
set(FG_HAVE_PTHREADPOOL OFF)
if(PTHREADPOOL_INCLUDE_DIR AND PTHREADPOOL_LIBRARY)
  set(FG_HAVE_PTHREADPOOL ON)
endif()
message(STATUS "facegate: pthreadpool (multi-threaded nets) ${FG_HAVE_PTHREADPOOL}")

set(FG_HAVE_XNNPACK OFF)
if(FG_WITH_XNNPACK)
  find_path(XNNPACK_INCLUDE_DIR xnnpack.h)
  find_library(XNNPACK_LIBRARY XNNPACK)
  find_library(CPUINFO_LIBRARY cpuinfo)
  if(XNNPACK_INCLUDE_DIR AND XNNPACK_LIBRARY AND PTHREADPOOL_LIBRARY)
    set(FG_HAVE_XNNPACK ON)
  endif()
endif()
message(STATUS "facegate: XNNPACK backend ${FG_HAVE_XNNPACK}")

# libsodium: the gallery's record MACs (HMAC-SHA256) and key generation (runtime/gallery/gallery_key.h),
# and SHA-256 of the audit log's hash chain (tools/door/audit_chain.h).
# Required: an unauthenticated-only build would let anyone who can write a gallery add a person.
find_path(SODIUM_INCLUDE_DIR sodium.h)
find_library(SODIUM_LIBRARY sodium)
if(NOT SODIUM_INCLUDE_DIR OR NOT SODIUM_LIBRARY)
  message(FATAL_ERROR "facegate: libsodium not found (Debian: apt-get install libsodium-dev; scripts/install-deps.sh)")
endif()
