# libfacegate: the public API (include/facegate/, runtime/api/) as an installable library.
#
#   lib/libfacegate.so.0 -> .so.<version>   C + C++ API only (hidden visibility + cmake/facegate.map)
#   lib/libfacegate.a                        every layer's objects (api, vision, gallery, core,
#                                            kernels, base): a consumer needs only this + its deps
#   include/facegate/                        facegate.h, facegate.hpp, export.h, version.h
#   lib/cmake/facegate/                      facegateConfig.cmake (+Version, +Targets)
#   lib/pkgconfig/facegate.pc                Libs.private: the static library's deps
#
# Target names differ from the `facegate` CLI executable; both files are called libfacegate.
# The soname number changes only when the C API's ABI breaks (docs/api.md).
set(FG_API_SOVERSION 0)
configure_file(${PROJECT_SOURCE_DIR}/cmake/facegate_version.h.in ${PROJECT_BINARY_DIR}/include/facegate/version.h @ONLY)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_fg_layers fg_vision fg_gallery fg_core fg_kernels fg_base)

# Linking the OBJECT library fg_api brings its objects; the layers come from their archives.
add_library(facegate_shared SHARED)
target_link_libraries(facegate_shared PRIVATE fg_api ${_fg_layers})
target_include_directories(facegate_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_options(facegate_shared PRIVATE "-Wl,--exclude-libs,ALL" "-Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/facegate.map"
                    "-Wl,--no-undefined" "-Wl,--disable-new-dtags")
set_target_properties(facegate_shared PROPERTIES OUTPUT_NAME facegate VERSION ${PROJECT_VERSION}
  SOVERSION ${FG_API_SOVERSION} LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib
  LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/facegate.map)

add_library(facegate_static STATIC $<TARGET_OBJECTS:fg_api>)
foreach(_fg_l IN LISTS _fg_layers)
  target_sources(facegate_static PRIVATE $<TARGET_OBJECTS:${_fg_l}>)
endforeach()
target_include_directories(facegate_static INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(facegate_static PROPERTIES OUTPUT_NAME facegate ARCHIVE_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib)

# What libfacegate.a needs at link time (libfacegate.so carries it as NEEDED): the same
# libraries the layers link. facegateConfig.cmake finds them again by name on the consumer's
# machine; facegate.pc lists them in Libs.private. A layer that links a new library (e.g.
# libjpeg / libpng in runtime/vision) must add it here.
set(FG_API_STATIC_DEPS jpeg png z sodium)  # library names, for find_library and -l:
                                          # vision decodes with libjpeg-turbo/libpng, the
                                          # gallery authenticates with libsodium
if(FG_HAVE_XNNPACK)
  list(APPEND FG_API_STATIC_DEPS XNNPACK)
  if(CPUINFO_LIBRARY)
    list(APPEND FG_API_STATIC_DEPS cpuinfo)
  endif()
endif()
if(FG_HAVE_PTHREADPOOL)
  list(APPEND FG_API_STATIC_DEPS pthreadpool)
endif()
list(REMOVE_DUPLICATES FG_API_STATIC_DEPS)
set(_fg_pc_private "")
foreach(_fg_d IN LISTS FG_API_STATIC_DEPS)
  string(APPEND _fg_pc_private " -l${_fg_d}")
endforeach()
string(APPEND _fg_pc_private " -lpthread -ldl -lstdc++ -lm")

# Installed: the bundled XNNPACK copies live in lib/facegate (cmake/packaging.cmake); the
# shared library finds them there first (DT_RPATH, not RUNPATH, as the binaries: it also
# serves libXNNPACK's own NEEDED), then the system's.
file(RELATIVE_PATH _fg_rel_bundled "/${CMAKE_INSTALL_LIBDIR}" "/${_fg_pkg_libdir}")
set_target_properties(facegate_shared PROPERTIES INSTALL_RPATH "\$ORIGIN/${_fg_rel_bundled}")

set(_fg_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/facegate)
install(TARGETS facegate_shared EXPORT facegateTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT libfacegate0 NAMELINK_COMPONENT libfacegate-dev)
install(TARGETS facegate_static EXPORT facegateTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT libfacegate-dev)
install(FILES ${PROJECT_SOURCE_DIR}/include/facegate/facegate.h ${PROJECT_SOURCE_DIR}/include/facegate/facegate.hpp
              ${PROJECT_SOURCE_DIR}/include/facegate/export.h ${PROJECT_BINARY_DIR}/include/facegate/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/facegate COMPONENT libfacegate-dev)
install(EXPORT facegateTargets NAMESPACE facegate:: DESTINATION ${_fg_cmakedir} COMPONENT libfacegate-dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/facegateConfig.cmake.in
  ${PROJECT_BINARY_DIR}/facegateConfig.cmake INSTALL_DESTINATION ${_fg_cmakedir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/facegateConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/facegateConfig.cmake ${PROJECT_BINARY_DIR}/facegateConfigVersion.cmake
        DESTINATION ${_fg_cmakedir} COMPONENT libfacegate-dev)
file(RELATIVE_PATH _fg_pc_up "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" _fg_pc_up "${_fg_pc_up}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/facegate.pc.in ${PROJECT_BINARY_DIR}/facegate.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/facegate.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT libfacegate-dev)

# Python package (ctypes over the C API, no build step): Debian's dist-packages layout.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/facegate DESTINATION lib/python3/dist-packages
        COMPONENT python3-facegate PATTERN "__pycache__" EXCLUDE)
