# SPDX-License-Identifier: MIT
# Install rules for consumers and operators, included by the top-level CMakeLists.txt
# after the library, the tools, the QML module and the translations are defined:
#
#   * the CMake package   find_package(StonyxSockets CONFIG) -> Stonyx::Sockets
#   * the pkg-config file  pkg-config stonyxsockets
#   * the handler plugin directory, the systemd unit and its environment file example
#   * CPack: one Debian package per install component
#
#   component  Debian package               contents
#   Runtime    libstonyxsockets<soversion>  shared library, translations
#   Devel      libstonyxsockets-dev         headers, namelink, CMake package, pkg-config file
#   Qml        qml6-module-stonyx-sockets   the QML module (only when it is built)
#   Tools      stonyx-sockets-tools         server, client, example handlers, systemd unit
#   Docs       libstonyxsockets-doc         the HTML API reference (docs/, when Doxygen is found)
#   Redis      libstonyxsocketsredis<sover> the Redis backplane Stonyx::SocketsRedis (only when
#                                           hiredis is found)
#   RedisDevel libstonyxsocketsredis-dev    its header, namelink and CMake targets
#
# Paths that end up inside installed files (the pkg-config prefix, ExecStart= of the
# unit) are written at install time, so they are right for `cmake --install --prefix`,
# for DESTDIR staging and for CPack (which installs with the prefix /usr).

include(CMakePackageConfigHelpers)

set(STONYX_INSTALL_CMAKEPACKAGEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/StonyxSockets"
    CACHE STRING "Install directory for the StonyxSockets CMake package, relative to the prefix")
set(STONYX_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Install directory for stonyxsockets.pc, relative to the prefix")
# usrmerge makes /usr/lib/systemd/system the same directory as /lib/systemd/system,
# and systemd also reads /usr/local/lib/systemd/system.
set(STONYX_INSTALL_SYSTEMDUNITDIR "lib/systemd/system"
    CACHE STRING "Install directory for the systemd unit, relative to the prefix")
set(STONYX_PACKAGE_MAINTAINER "Stonyx Sockets maintainers <maintainers@example.invalid>"
    CACHE STRING "Maintainer field of the Debian packages")

# Debian package names, also used for the per-package documentation directories.
string(TOLOWER "libstonyxsockets${PROJECT_VERSION_MAJOR}" STONYX_DEB_RUNTIME)
set(STONYX_DEB_DEVEL libstonyxsockets-dev)
set(STONYX_DEB_QML qml6-module-stonyx-sockets)
set(STONYX_DEB_TOOLS stonyx-sockets-tools)
set(STONYX_DEB_DOCS libstonyxsockets-doc)
string(TOLOWER "libstonyxsocketsredis${PROJECT_VERSION_MAJOR}" STONYX_DEB_REDIS)
set(STONYX_DEB_REDISDEVEL libstonyxsocketsredis-dev)
set(STONYX_INSTALL_TOOLS_DOCDIR "${CMAKE_INSTALL_DATAROOTDIR}/doc/${STONYX_DEB_TOOLS}")

# The Qt release this build requires of its users: the major.minor it was built with.
set(STONYX_QT_MIN_VERSION "${Qt6_VERSION_MAJOR}.${Qt6_VERSION_MINOR}")

set(_stonyx_packaging_dir "${PROJECT_SOURCE_DIR}/packaging")
set(_stonyx_generated_dir "${PROJECT_BINARY_DIR}/stonyx-install")

# Installs ${template} (a file.in) as ${destination}/${name}, with @VAR@ replaced at
# install time. Besides the configure-time values below, templates can use
# @STONYX_PREFIX@ and @STONYX_FULL_<DIR>@ (BINDIR, LIBDIR, INCLUDEDIR, HANDLERDIR,
# TOOLSDOCDIR), computed from the prefix actually installed to.
function(stonyx_install_configured template destination name component)
    set(dirs BINDIR=${CMAKE_INSTALL_BINDIR} LIBDIR=${CMAKE_INSTALL_LIBDIR}
        INCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR} HANDLERDIR=${STONYX_INSTALL_HANDLERDIR}
        TOOLSDOCDIR=${STONYX_INSTALL_TOOLS_DOCDIR})
    install(CODE "
        set(STONYX_TEMPLATE [[${template}]])
        set(STONYX_OUTPUT_NAME [[${name}]])
        set(STONYX_DESTINATION [[${destination}]])
        set(STONYX_STAGE_DIR [[${_stonyx_generated_dir}/stage]])
        set(STONYX_DIRS [[${dirs}]])
        set(PROJECT_VERSION [[${PROJECT_VERSION}]])
        set(PROJECT_DESCRIPTION [[${PROJECT_DESCRIPTION}]])
        set(PROJECT_HOMEPAGE_URL [[${PROJECT_HOMEPAGE_URL}]])
        set(STONYX_QT_MIN_VERSION [[${STONYX_QT_MIN_VERSION}]])
        include([[${CMAKE_CURRENT_LIST_DIR}/StonyxInstallConfigured.cmake]])
    " COMPONENT ${component})
endfunction()

# --- CMake package ----------------------------------------------------------------

install(EXPORT StonyxSocketsTargets
    NAMESPACE Stonyx::
    FILE StonyxSocketsTargets.cmake
    DESTINATION ${STONYX_INSTALL_CMAKEPACKAGEDIR}
    COMPONENT Devel)

configure_package_config_file(
    "${CMAKE_CURRENT_LIST_DIR}/StonyxSocketsConfig.cmake.in"
    "${_stonyx_generated_dir}/StonyxSocketsConfig.cmake"
    INSTALL_DESTINATION ${STONYX_INSTALL_CMAKEPACKAGEDIR}
    PATH_VARS STONYX_INSTALL_HANDLERDIR)
# The soname carries the major version, so the package promises the same.
write_basic_package_version_file(
    "${_stonyx_generated_dir}/StonyxSocketsConfigVersion.cmake"
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMajorVersion)
# The Redis backplane's targets, read by StonyxSocketsConfig.cmake when present
# (find_package(StonyxSockets COMPONENTS Redis)).
if(TARGET StonyxSocketsRedis)
    install(EXPORT StonyxSocketsRedisTargets
        NAMESPACE Stonyx::
        FILE StonyxSocketsRedisTargets.cmake
        DESTINATION ${STONYX_INSTALL_CMAKEPACKAGEDIR}
        COMPONENT RedisDevel)
endif()
install(FILES
        "${_stonyx_generated_dir}/StonyxSocketsConfig.cmake"
        "${_stonyx_generated_dir}/StonyxSocketsConfigVersion.cmake"
    DESTINATION ${STONYX_INSTALL_CMAKEPACKAGEDIR}
    COMPONENT Devel)

# --- pkg-config -------------------------------------------------------------------

stonyx_install_configured("${CMAKE_CURRENT_LIST_DIR}/stonyxsockets.pc.in"
    ${STONYX_INSTALL_PKGCONFIGDIR} stonyxsockets.pc Devel)

# --- Tools: handler directory, manual pages, systemd unit, environment file --------

find_program(STONYX_GZIP_EXECUTABLE gzip)

# Compresses ${file} to ${file}.gz the way Debian wants it: maximum compression, no
# name or time stamp in the header. Sets ${out_var} to the file to install.
function(_stonyx_gzip file out_var)
    if(NOT STONYX_GZIP_EXECUTABLE)
        set(${out_var} "${file}" PARENT_SCOPE)
        return()
    endif()
    execute_process(COMMAND "${STONYX_GZIP_EXECUTABLE}" -9nkf "${file}" RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "gzip failed on ${file}")
    endif()
    set(${out_var} "${file}.gz" PARENT_SCOPE)
endfunction()

if(STONYX_BUILD_TOOLS)
    foreach(tool stonyx-sockets-server stonyx-sockets-client)
        set(page "${_stonyx_generated_dir}/man/${tool}.1")
        configure_file("${_stonyx_packaging_dir}/man/${tool}.1" "${page}" COPYONLY)
        _stonyx_gzip("${page}" page)
        install(FILES "${page}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT Tools)
    endforeach()

    # The directory third-party handler packages install into, even when the
    # example handlers are not built.
    install(DIRECTORY DESTINATION ${STONYX_INSTALL_HANDLERDIR} COMPONENT Tools)
    stonyx_install_configured("${_stonyx_packaging_dir}/stonyx-sockets-server.service.in"
        ${STONYX_INSTALL_SYSTEMDUNITDIR} stonyx-sockets-server.service Tools)
    stonyx_install_configured("${_stonyx_packaging_dir}/server.env.example.in"
        ${STONYX_INSTALL_TOOLS_DOCDIR}/examples server.env.example Tools)
endif()

# --- CPack: Debian packages ---------------------------------------------------------

# Every Debian package carries /usr/share/doc/<package>/{copyright,changelog.Debian.gz}
# and its lintian overrides.
# EXCLUDE_FROM_ALL keeps them out of a plain `cmake --install`; CPack installs each
# component on its own and so picks them up.
function(_stonyx_install_debian_docs component package)
    install(FILES "${_stonyx_packaging_dir}/copyright"
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}
        COMPONENT ${component} EXCLUDE_FROM_ALL)
    # string(TIMESTAMP) honours SOURCE_DATE_EPOCH, for reproducible packages.
    string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
    set(changelog "${_stonyx_generated_dir}/debian/${package}/changelog.Debian")
    file(CONFIGURE OUTPUT "${changelog}" CONTENT
"${package} (${PROJECT_VERSION}-1) unstable; urgency=medium

  * Upstream release ${PROJECT_VERSION}, packaged with CPack.

 -- ${STONYX_PACKAGE_MAINTAINER}  ${date}
")
    _stonyx_gzip("${changelog}" changelog)
    install(FILES "${changelog}"
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}
        COMPONENT ${component} EXCLUDE_FROM_ALL)

    # What lintian reports that is known and intended, said where lintian looks.
    set(overrides "# Built with CPack for direct installation, not uploaded to Debian: no ITP bug to close.
${package}: initial-upload-closes-no-bugs
")
    if(component STREQUAL "Runtime" OR component STREQUAL "Redis")
        string(APPEND overrides "# CPack 3.25 always calls ldconfig from postinst/postrm for a library in /usr/lib;
# the package also has the ldconfig trigger Debian expects.
${package}: maintscript-calls-ldconfig
")
    endif()
    file(CONFIGURE OUTPUT "${_stonyx_generated_dir}/debian/${package}/lintian-overrides/${package}"
        CONTENT "${overrides}")
    install(FILES "${_stonyx_generated_dir}/debian/${package}/lintian-overrides/${package}"
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
        COMPONENT ${component} EXCLUDE_FROM_ALL)
endfunction()

# Run at the end of the top-level directory, when every install rule (the example
# handlers and the QML module included) is known.
function(_stonyx_setup_cpack)
    set(known_components Runtime Devel Qml Tools Docs Redis RedisDevel)
    get_cmake_property(defined_components COMPONENTS)
    set(CPACK_COMPONENTS_ALL "")
    foreach(component IN LISTS known_components)
        if(component IN_LIST defined_components)
            list(APPEND CPACK_COMPONENTS_ALL ${component})
        endif()
    endforeach()
    set(others ${defined_components})
    list(REMOVE_ITEM others ${known_components})
    if(others)
        message(WARNING "Install components not packaged by CPack: ${others}. "
            "Use one of ${known_components}.")
    endif()
    foreach(component IN LISTS CPACK_COMPONENTS_ALL)
        string(TOUPPER ${component} upper)
        _stonyx_install_debian_docs(${component} ${STONYX_DEB_${upper}})
    endforeach()

    set(CPACK_PACKAGE_NAME stonyx-sockets)
    set(CPACK_PACKAGE_VENDOR "Stonyx Sockets for Qt")
    set(CPACK_PACKAGE_CONTACT "${STONYX_PACKAGE_MAINTAINER}")
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
    set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/StonyxCPackOptions.cmake")
    set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
    set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
    set(CPACK_GENERATOR DEB)
    set(CPACK_STRIP_FILES ON)
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

    set(CPACK_DEB_COMPONENT_INSTALL ON)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    # dpkg-shlibdeps computes the shared-library dependencies (libqt6core6, libssl3, ...);
    # -l lets it see libStonyxSockets.so.N, which the tools and the QML plugin link to.
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CMAKE_LIBRARY_OUTPUT_DIRECTORY}")
    # Component dependencies become "package (= version)".
    set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

    # The first line of each description is the package's synopsis.
    set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "real-time messaging over WebSockets for Qt - library
Stonyx Sockets is a real-time messaging library over WebSockets: a server
that dispatches named requests to handler plugins, and a client with
authentication, AES-256-GCM frame encryption, heartbeats and reconnection.
.
This package contains the shared library.")
    set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${STONYX_DEB_RUNTIME})
    set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
    # shlibs: packages built against this one get "libstonyxsocketsN (>= version)".
    # triggers: ldconfig runs the way Debian does it (CPack 3.25 also calls it from
    # postinst/postrm, which does no harm).
    set(control "${_stonyx_generated_dir}/debian/${STONYX_DEB_RUNTIME}")
    file(CONFIGURE OUTPUT "${control}/shlibs" CONTENT
        "libStonyxSockets ${PROJECT_VERSION_MAJOR} ${STONYX_DEB_RUNTIME} (>= ${PROJECT_VERSION})\n")
    file(CONFIGURE OUTPUT "${control}/triggers" CONTENT "activate-noawait ldconfig\n")
    set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${control}/shlibs;${control}/triggers")

    set(CPACK_COMPONENT_DEVEL_DESCRIPTION "real-time messaging over WebSockets for Qt - development files
Stonyx Sockets is a real-time messaging library over WebSockets.
.
This package contains the headers (with CamelCase forwarding headers such as
<Stonyx/Sockets/SocketServer>), the CMake package StonyxSockets
(target Stonyx::Sockets) and the pkg-config file stonyxsockets.")
    set(CPACK_COMPONENT_DEVEL_DEPENDS Runtime)
    set(CPACK_DEBIAN_DEVEL_PACKAGE_NAME ${STONYX_DEB_DEVEL})
    set(CPACK_DEBIAN_DEVEL_PACKAGE_SECTION libdevel)
    # What StonyxSocketsConfig.cmake and stonyxsockets.pc ask for.
    set(CPACK_DEBIAN_DEVEL_PACKAGE_DEPENDS "qt6-base-dev (>= ${STONYX_QT_MIN_VERSION}), \
qt6-websockets-dev (>= ${STONYX_QT_MIN_VERSION}), libssl-dev (>= 3.0)")

    set(CPACK_COMPONENT_QML_DESCRIPTION "real-time messaging over WebSockets for Qt - QML module
Stonyx Sockets is a real-time messaging library over WebSockets.
.
This package contains the QML module Stonyx.Sockets.")
    set(CPACK_COMPONENT_QML_DEPENDS Runtime)
    set(CPACK_DEBIAN_QML_PACKAGE_NAME ${STONYX_DEB_QML})
    set(CPACK_DEBIAN_QML_PACKAGE_SECTION libs)

    set(CPACK_COMPONENT_TOOLS_DESCRIPTION "real-time messaging over WebSockets for Qt - server and client
Stonyx Sockets is a real-time messaging library over WebSockets.
.
stonyx-sockets-server serves the handler plugins of a directory (with a
systemd unit, stonyx-sockets-server.service); stonyx-sockets-client sends
one request from the command line. Includes the example handlers auth
and echo.")
    set(CPACK_COMPONENT_TOOLS_DEPENDS Runtime)
    set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME ${STONYX_DEB_TOOLS})
    set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)

    set(CPACK_COMPONENT_REDIS_DESCRIPTION "real-time messaging over WebSockets for Qt - Redis backplane
Stonyx Sockets is a real-time messaging library over WebSockets.
.
This package contains the shared library Stonyx::SocketsRedis
(RedisBackplane), which joins several servers into one cluster over Redis
publish/subscribe.")
    set(CPACK_COMPONENT_REDIS_DEPENDS Runtime)
    set(CPACK_DEBIAN_REDIS_PACKAGE_NAME ${STONYX_DEB_REDIS})
    set(CPACK_DEBIAN_REDIS_PACKAGE_SECTION libs)
    set(control "${_stonyx_generated_dir}/debian/${STONYX_DEB_REDIS}")
    file(CONFIGURE OUTPUT "${control}/shlibs" CONTENT
        "libStonyxSocketsRedis ${PROJECT_VERSION_MAJOR} ${STONYX_DEB_REDIS} (>= ${PROJECT_VERSION})\n")
    file(CONFIGURE OUTPUT "${control}/triggers" CONTENT "activate-noawait ldconfig\n")
    set(CPACK_DEBIAN_REDIS_PACKAGE_CONTROL_EXTRA "${control}/shlibs;${control}/triggers")

    set(CPACK_COMPONENT_REDISDEVEL_DESCRIPTION "real-time messaging over WebSockets for Qt - Redis backplane, dev files
Stonyx Sockets is a real-time messaging library over WebSockets.
.
This package contains the header of RedisBackplane and the CMake targets
(find_package(StonyxSockets COMPONENTS Redis), target Stonyx::SocketsRedis).")
    set(CPACK_COMPONENT_REDISDEVEL_DEPENDS Redis Devel)
    set(CPACK_DEBIAN_REDISDEVEL_PACKAGE_NAME ${STONYX_DEB_REDISDEVEL})
    set(CPACK_DEBIAN_REDISDEVEL_PACKAGE_SECTION libdevel)
    if("Redis" IN_LIST CPACK_COMPONENTS_ALL)
        # stonyx-sockets-server links the backplane.
        set(CPACK_COMPONENT_TOOLS_DEPENDS Runtime Redis)
    endif()

    set(CPACK_COMPONENT_DOCS_DESCRIPTION "real-time messaging over WebSockets for Qt - API reference
Stonyx Sockets is a real-time messaging library over WebSockets.
.
This package contains the HTML API reference of the C++ classes and the QML
types, with the guides (quick starts, handler plugins, configuration,
protocol), in /usr/share/doc/stonyx-sockets/html.")
    set(CPACK_DEBIAN_DOCS_PACKAGE_NAME ${STONYX_DEB_DOCS})
    set(CPACK_DEBIAN_DOCS_PACKAGE_SECTION doc)
    set(CPACK_DEBIAN_DOCS_PACKAGE_ARCHITECTURE all)
    if("Docs" IN_LIST CPACK_COMPONENTS_ALL)
        # Registers the reference with doc-base (documentation browsers, dhelp).
        set(doc_base "${_stonyx_generated_dir}/debian/${STONYX_DEB_DOCS}/doc-base/${STONYX_DEB_DOCS}")
        file(CONFIGURE OUTPUT "${doc_base}" CONTENT "Document: ${STONYX_DEB_DOCS}
Title: Stonyx Sockets for Qt API reference
Author: ${STONYX_PACKAGE_MAINTAINER}
Abstract: The HTML API reference of Stonyx Sockets for Qt: the C++ classes of
 Stonyx::Sockets, the QML types of the module Stonyx.Sockets and the guides.
Section: Programming/C++

Format: HTML
Index: /usr/${STONYX_INSTALL_HTMLDIR}/index.html
Files: /usr/${STONYX_INSTALL_HTMLDIR}/*.html
")
        install(FILES "${doc_base}" DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc-base
            COMPONENT Docs EXCLUDE_FROM_ALL)
    endif()

    include(CPack)
endfunction()

# A parent project that adds this one with add_subdirectory() keeps its own CPack setup.
if(STONYX_IS_TOP_LEVEL)
    cmake_language(DEFER CALL _stonyx_setup_cpack)
endif()
