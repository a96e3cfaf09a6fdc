# Install rules + CPack: `cpack` in a build folder makes a .deb and a .tar.gz for the target
# architecture (arm64 from the aarch64 cross build, armhf from armhf, amd64 on the host).
#
#   bin/                        facegate, fg_convert, facegate-door (whichever exist)
#   lib/facegate/               libXNNPACK, libpthreadpool, libcpuinfo (private copies)
#   share/facegate/models/      *.fgm made by this build, + the face-api licence (MIT)
#   share/doc/facegate/         copyright files of the bundled libraries
#
# Why the libraries are bundled instead of being Depends: of the .deb: XNNPACK has no stable
# ABI (Debian ships a 2022 git snapshot as libxnnpack0; another distribution's libxnnpack0
# with the same soname can have different operator signatures), so the package carries the
# exact copies the binaries were built and tested against, in a private folder that cannot
# clash with a system libxnnpack0. The binaries find them through an RPATH of
# $ORIGIN/../lib/facegate, as DT_RPATH (not RUNPATH) so that libXNNPACK's own NEEDED
# libcpuinfo/libpthreadpool are found there too. What remains is glibc and libstdc++.
include(GNUInstallDirs)

set(_fg_pkg_libdir "${CMAKE_INSTALL_LIBDIR}/facegate")
if(CMAKE_INSTALL_LIBDIR MATCHES "^lib/")   # lib/<triple> on Debian: keep it short
  set(_fg_pkg_libdir "lib/facegate")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/library.cmake)  # libfacegate.{so,a}, headers, CMake package, .pc

foreach(_fg_t facegate fg_convert facegate-door)
  if(TARGET ${_fg_t})
    install(TARGETS ${_fg_t} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT facegate-tools)
    set_property(TARGET ${_fg_t} PROPERTY INSTALL_RPATH "\$ORIGIN/../${_fg_pkg_libdir}")
    set_property(TARGET ${_fg_t} APPEND PROPERTY LINK_OPTIONS "-Wl,--disable-new-dtags")
  endif()
endforeach()

# The model files exist once the build (target fg_models, part of ALL) has run.
install(DIRECTORY ${PROJECT_BINARY_DIR}/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/facegate/models
        COMPONENT libfacegate0 FILES_MATCHING PATTERN "*.fgm" PATTERN "CMakeFiles" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/models/upstream/LICENSE-face-api
              ${PROJECT_SOURCE_DIR}/models/liveness/LICENSE-Silent-Face-Anti-Spoofing
        DESTINATION ${CMAKE_INSTALL_DATADIR}/facegate/models COMPONENT libfacegate0)

# Bundled shared libraries: the soname file and the real file behind it (install(FILES)
# keeps symlinks as symlinks), plus each package's copyright file (BSD: must ship with it).
# Each library the build links: XNNPACK (+ cpuinfo) when the backend is on, pthreadpool
# whenever found (the nets' thread pool uses it even without XNNPACK).
option(FG_DEB_SPLIT "cpack: split the .deb into libfacegate0, libfacegate-dev, facegate-tools, python3-facegate" ON)
# Every package's /usr/share/doc/<package>/ (one folder for the single .deb).
foreach(_fg_c libfacegate0 libfacegate-dev facegate-tools python3-facegate)
  string(REPLACE "-" "_" _fg_v "${_fg_c}")
  if(FG_DEB_SPLIT)
    set(_fg_docdir_${_fg_v} ${CMAKE_INSTALL_DATADIR}/doc/${_fg_c})
  else()
    set(_fg_docdir_${_fg_v} ${CMAKE_INSTALL_DATADIR}/doc/facegate)
  endif()
endforeach()
set(_fg_docdir_libfacegate0 ${_fg_docdir_libfacegate0})
include(${CMAKE_CURRENT_LIST_DIR}/packaging_debian.cmake)  # copyright, changelog, man, unit, conffile

set(_fg_bundled)
if(FG_HAVE_XNNPACK)
  list(APPEND _fg_bundled "${XNNPACK_LIBRARY}:libxnnpack0" "${CPUINFO_LIBRARY}:libcpuinfo0")
endif()
if(FG_HAVE_PTHREADPOOL)
  list(APPEND _fg_bundled "${PTHREADPOOL_LIBRARY}:libpthreadpool0")
endif()
if(_fg_bundled)
  if(CMAKE_CROSSCOMPILING AND FG_SYSROOT)
    set(_fg_docroot "${FG_SYSROOT}/usr/share/doc")
  else()
    set(_fg_docroot "/usr/share/doc")
  endif()
  foreach(_fg_pair IN LISTS _fg_bundled)
    string(REPLACE ":" ";" _fg_pair "${_fg_pair}")
    list(GET _fg_pair 0 _fg_lib)
    list(GET _fg_pair 1 _fg_debpkg)
    if(NOT _fg_lib)
      continue()
    endif()
    get_filename_component(_fg_dir "${_fg_lib}" DIRECTORY)
    get_filename_component(_fg_name "${_fg_lib}" NAME)
    file(GLOB _fg_files "${_fg_dir}/${_fg_name}.*")   # libX.so.0, libX.so.0.1.2 ...
    if(NOT _fg_files)
      message(WARNING "packaging: no ${_fg_name}.* next to ${_fg_lib}; not bundled")
    endif()
    install(FILES ${_fg_files} DESTINATION ${_fg_pkg_libdir} COMPONENT libfacegate0)
    if(EXISTS "${_fg_docroot}/${_fg_debpkg}/copyright")
      install(FILES "${_fg_docroot}/${_fg_debpkg}/copyright"
              DESTINATION ${_fg_docdir_libfacegate0} RENAME copyright.${_fg_debpkg} COMPONENT libfacegate0)
    endif()
  endforeach()
endif()

# Debian architecture name of what we build for.
string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _fg_proc)
if(_fg_proc MATCHES "^(aarch64|arm64)$")
  set(_fg_deb_arch arm64)
elseif(_fg_proc MATCHES "^arm")
  set(_fg_deb_arch armhf)
elseif(_fg_proc MATCHES "^(x86_64|amd64)$")
  set(_fg_deb_arch amd64)
else()
  set(_fg_deb_arch "${_fg_proc}")
endif()

set(CPACK_PACKAGE_NAME facegate)
set(CPACK_PACKAGE_VENDOR facegate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPackDeb would put it in front of every package's own
# synopsis (the first line of CPACK_DEBIAN_<COMPONENT>_DESCRIPTION below).
set(CPACK_PACKAGE_FILE_NAME "facegate-${PROJECT_VERSION}-${_fg_deb_arch}")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_fg_deb_arch})
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_PACKAGE_CONTACT "facegate developers <maintainers@users.noreply.r-seed-0fb4db19.example>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# Debian revision 1 (packaging/changelog): a non-native version, 0.1.0-1.
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "")
# glibc 2.34: libcpuinfo0 (Debian 12) uses GLIBC_2.34 symbols; libstdc++ from GCC 12
# (GLIBCXX_3.4.30). Debian 12 / Raspberry Pi OS bookworm / Ubuntu 22.04 or newer.
# libjpeg-turbo and libpng have stable sonames, so they are Depends:, not bundled.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1, libjpeg62-turbo (>= 1:2.1), libpng16-16 (>= 1.6.39), zlib1g, libsodium23")  # libsodium: gallery MACs, audit chain
if(FG_DOOR_GPIOD_API EQUAL 1)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libgpiod2")   # Debian 12: libgpiod 1.6 = libgpiod.so.2
elseif(FG_DOOR_GPIOD_API EQUAL 2)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libgpiod3")
endif()
if(FG_DOOR_HAVE_MQTT)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libmosquitto1")  # facegate-door --mqtt
endif()
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)   # dpkg-shlibdeps cannot inspect foreign-arch files

# Three .debs (FG_DEB_SPLIT, default ON): libfacegate0 (libfacegate.so.0, the bundled
# XNNPACK copies, the models), libfacegate-dev (headers, CMake package, .pc, libfacegate.a),
# facegate-tools (the binaries and the Python package, both on top of libfacegate0).
# OFF: the old single facegate .deb with everything. The .tar.gz always holds everything.
if(FG_DEB_SPLIT)
  set(CPACK_DEB_COMPONENT_INSTALL ON)
  set(CPACK_COMPONENTS_ALL libfacegate0 libfacegate-dev facegate-tools python3-facegate)
  set(_fg_same "(= ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})")
  set(CPACK_DEBIAN_LIBFACEGATE0_PACKAGE_NAME libfacegate0)
  set(CPACK_DEBIAN_LIBFACEGATE0_PACKAGE_CONTROL_EXTRA "${_fg_lib_control_extra}")
  set(CPACK_DEBIAN_LIBFACEGATE0_PACKAGE_DEPENDS "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1, libjpeg62-turbo (>= 1:2.1), libpng16-16 (>= 1.6.39), zlib1g, libsodium23")
  set(CPACK_DEBIAN_LIBFACEGATE0_DESCRIPTION "face recognition runtime library for edge boards
facegate detects faces, finds 68 landmarks and computes 128-D face
descriptors (the face-api / dlib ResNet encoder) with its own SIMD kernels
(x86 AVX2/AVX-512, ARM NEON/dot-product; f32 and int8) or XNNPACK, for 1:1
verification and 1:K identification against an authenticated gallery file.

This package holds the shared library libfacegate.so.0, private copies of the
XNNPACK libraries it was tested with, and the model files.")
  set(CPACK_DEBIAN_LIBFACEGATE-DEV_PACKAGE_NAME libfacegate-dev)
  set(CPACK_DEBIAN_LIBFACEGATE-DEV_PACKAGE_SECTION libdevel)
  # libfacegate.a links the system's XNNPACK & co. (libfacegate.so uses the bundled copies).
  set(CPACK_DEBIAN_LIBFACEGATE-DEV_PACKAGE_DEPENDS "libfacegate0 ${_fg_same}, libjpeg62-turbo-dev, libpng-dev, libsodium-dev")
  if(FG_HAVE_XNNPACK)
    string(APPEND CPACK_DEBIAN_LIBFACEGATE-DEV_PACKAGE_DEPENDS ", libxnnpack-dev, libcpuinfo-dev")
  endif()
  if(FG_HAVE_PTHREADPOOL)
    string(APPEND CPACK_DEBIAN_LIBFACEGATE-DEV_PACKAGE_DEPENDS ", libpthreadpool-dev")
  endif()
  set(CPACK_DEBIAN_LIBFACEGATE-DEV_DESCRIPTION "face recognition runtime library for edge boards - development files
facegate detects, aligns and encodes faces for verification and identification
on ARM boards and x86 machines.

This package holds the C and C++ headers, the CMake package
(find_package(facegate)), the pkg-config file and the static library.")
  set(CPACK_DEBIAN_FACEGATE-TOOLS_PACKAGE_NAME facegate-tools)
  set(CPACK_DEBIAN_FACEGATE-TOOLS_PACKAGE_DEPENDS "${CPACK_DEBIAN_PACKAGE_DEPENDS}, libfacegate0 ${_fg_same}")
  set(CPACK_DEBIAN_FACEGATE-TOOLS_PACKAGE_DEPENDS "${CPACK_DEBIAN_FACEGATE-TOOLS_PACKAGE_DEPENDS}, adduser")  # postinst
  set(CPACK_DEBIAN_FACEGATE-TOOLS_PACKAGE_CONTROL_EXTRA "${_fg_tools_control_extra}")
  set(CPACK_DEBIAN_FACEGATE-TOOLS_DESCRIPTION "face recognition door access: command-line tools and service
facegate-door turns a camera (V4L2, Y4M) into a door opener: faces are
detected, matched against an authenticated gallery of enrolled people, and a
GPIO relay or a command is driven by an N-of-M policy, with a hash-chained
JSON audit log and optional MQTT / Home Assistant events.

This package holds facegate-door with a hardened systemd service
(facegate-door.service, configured in /etc/facegate/door.conf), the facegate
command-line tool (detect, verify, enroll, identify, eval, gallery, audit) and
the fg_convert model converter.")
  set(CPACK_DEBIAN_PYTHON3-FACEGATE_PACKAGE_NAME python3-facegate)
  set(CPACK_DEBIAN_PYTHON3-FACEGATE_PACKAGE_SECTION python)
  set(CPACK_DEBIAN_PYTHON3-FACEGATE_PACKAGE_ARCHITECTURE all)
  set(CPACK_DEBIAN_PYTHON3-FACEGATE_PACKAGE_DEPENDS "python3:any, libfacegate0 (>= ${PROJECT_VERSION})")
  set(CPACK_DEBIAN_PYTHON3-FACEGATE_DESCRIPTION "face recognition runtime library for edge boards - Python 3 bindings
facegate detects, aligns and encodes faces for verification and identification
on ARM boards and x86 machines.

This package holds the facegate Python module (ctypes over libfacegate.so.0):
facegate.verify(a, b) and the gallery functions.")
else()
  set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_fg_tools_control_extra};${_fg_lib_control_extra}")
  set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "face recognition runtime and door access for edge boards
facegate detects, aligns and encodes faces for verification and identification
on ARM boards and x86 machines; facegate-door drives a door from a camera.

This single package holds the library, the models, the headers, the tools,
the door service and the Python module.")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", adduser, python3:any")
  # One .deb, but still made by component installs: /etc/facegate/door.conf is only there.
  set(CPACK_DEB_COMPONENT_INSTALL ON)
  set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
  set(CPACK_COMPONENTS_ALL libfacegate0 libfacegate-dev facegate-tools python3-facegate)
endif()
include(CPack)
