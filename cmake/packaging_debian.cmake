# What makes the .debs Debian packages rather than tarballs (docs/packaging.md): each
# package's copyright + changelog.Debian.gz, the man pages (made from --help at build time),
# and facegate-tools' service: the systemd unit, the conffile /etc/facegate/door.conf, the
# udev rule for /dev/gpiochip*, and the maintainer scripts that make the system user.
# Included by cmake/packaging.cmake, which defines _fg_docdir_<package>.
set(_fg_pkgdir ${PROJECT_SOURCE_DIR}/packaging)

# changelog.Debian.gz: gzip -9n (no name, no time stamp: reproducible; lintian checks -9).
set(_fg_changelog_gz ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)
add_custom_command(OUTPUT ${_fg_changelog_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND sh -c "gzip -9n < '${_fg_pkgdir}/changelog' > '${_fg_changelog_gz}'"
  DEPENDS ${_fg_pkgdir}/changelog VERBATIM)

set(_fg_pkg_outputs ${_fg_changelog_gz})
foreach(_fg_c libfacegate0 libfacegate-dev facegate-tools python3-facegate)
  string(REPLACE "-" "_" _fg_v "${_fg_c}")
  install(FILES ${_fg_pkgdir}/copyright ${_fg_changelog_gz} DESTINATION ${_fg_docdir_${_fg_v}} COMPONENT ${_fg_c})
endforeach()

# Man pages from the binaries' own --help (scripts/man-from-help.sh), under the cross
# emulator when cross-compiling (the models are converted the same way).
set(_fg_man ${PROJECT_BINARY_DIR}/packaging/man)
set(_fg_emu "")
if(CMAKE_CROSSCOMPILING_EMULATOR)
  list(JOIN CMAKE_CROSSCOMPILING_EMULATOR " " _fg_emu)
endif()
set(_fg_ver ${PROJECT_VERSION})
set(_fg_man_pages)
# One man page per binary, made from its --help at build time (under the
# emulator when cross-compiling); extra arguments are the subcommands whose
# --help becomes a section of the page.
function(fg_man_page target summary)
  if(NOT TARGET ${target})
    return()
  endif()
  set(page ${_fg_man}/${target}.1.gz)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_fg_man}
    COMMAND ${CMAKE_COMMAND} -E env FG_EMULATOR=${_fg_emu}
            ${PROJECT_SOURCE_DIR}/scripts/man-from-help.sh ${page} ${target}
            "${summary}" ${_fg_ver} $<TARGET_FILE:${target}> ${ARGN}
    DEPENDS ${target} ${PROJECT_SOURCE_DIR}/scripts/man-from-help.sh VERBATIM)
  set(_fg_man_pages ${_fg_man_pages} ${page} PARENT_SCOPE)
endfunction()
fg_man_page(facegate "face detection, verification and identification on the command line"
            embed compare detect verify "eval lfw" "eval identify" enroll identify gallery audit train-head verify-head)
fg_man_page(facegate-door "face recognition door access (camera, gallery, relay, audit log)")
fg_man_page(fg_convert "convert face-api TF.js weights to facegate model files")
add_custom_target(fg_package_files ALL DEPENDS ${_fg_pkg_outputs} ${_fg_man_pages})
install(FILES ${_fg_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT facegate-tools)

# The service. The unit and the udev rule go under the prefix (/usr/lib/..., read by
# systemd 252 and udev on a merged-/usr Debian 12). The conffile must be /etc itself: an
# absolute path, installed only by component installs (cpack), never by a plain
# `cmake --install --prefix P`, which would otherwise write into the build machine's /etc.
if(TARGET facegate-door)
  install(FILES ${_fg_pkgdir}/facegate-door.service DESTINATION lib/systemd/system COMPONENT facegate-tools)
  install(FILES ${_fg_pkgdir}/60-facegate-gpio.rules DESTINATION lib/udev/rules.d COMPONENT facegate-tools)
  install(FILES ${_fg_pkgdir}/door.conf DESTINATION /etc/facegate COMPONENT facegate-tools EXCLUDE_FROM_ALL)
  file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "/etc/facegate/door.conf\n")
  set(_fg_tools_control_extra
      "${_fg_pkgdir}/postinst;${_fg_pkgdir}/prerm;${_fg_pkgdir}/postrm;${PROJECT_BINARY_DIR}/packaging/conffiles")
endif()

# libfacegate0: shlibs (what dpkg-shlibdeps of a package linking -lfacegate puts in Depends)
# and an ldconfig trigger instead of CPack's postinst that calls ldconfig (lintian:
# lacks-ldconfig-trigger, maintscript-calls-ldconfig).
file(WRITE ${PROJECT_BINARY_DIR}/packaging/shlibs "libfacegate 0 libfacegate0 (>= ${PROJECT_VERSION})\n")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/triggers "activate-noawait ldconfig\n")
set(_fg_lib_control_extra "${PROJECT_BINARY_DIR}/packaging/shlibs;${PROJECT_BINARY_DIR}/packaging/triggers")
