# Debian packages: libstb-dev doctest-dev libbenchmark-dev nlohmann-json3-dev
#                  libxnnpack-dev libpthreadpool-dev libcpuinfo-dev libjpeg62-turbo-dev libpng-dev
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

# libpthreadpool: the Net's thread pool (runtime/thread_pool.h), also XNNPACK's. Without it
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
