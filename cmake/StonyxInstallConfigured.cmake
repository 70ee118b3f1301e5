# SPDX-License-Identifier: MIT
# Runs at install time (see stonyx_install_configured() in StonyxInstall.cmake):
# configures STONYX_TEMPLATE with the prefix being installed to and installs the
# result as STONYX_DESTINATION/STONYX_OUTPUT_NAME.

set(STONYX_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(pair IN LISTS STONYX_DIRS)
    string(REGEX MATCH "^([A-Z]+)=(.*)$" _ "${pair}")
    if(IS_ABSOLUTE "${CMAKE_MATCH_2}")
        set(STONYX_FULL_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
        set(STONYX_PC_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
    else()
        set(STONYX_FULL_${CMAKE_MATCH_1} "${STONYX_PREFIX}/${CMAKE_MATCH_2}")
        # pkg-config files name their paths relative to ${prefix}.
        set(STONYX_PC_${CMAKE_MATCH_1} "\${prefix}/${CMAKE_MATCH_2}")
    endif()
endforeach()

# One staging file per destination, so concurrent installs (a test installing to a
# temporary prefix while cpack runs) do not overwrite each other's result.
string(MD5 _stonyx_key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(_stonyx_staged "${STONYX_STAGE_DIR}/${_stonyx_key}/${STONYX_OUTPUT_NAME}")
configure_file("${STONYX_TEMPLATE}" "${_stonyx_staged}" @ONLY)
if(IS_ABSOLUTE "${STONYX_DESTINATION}")
    set(_stonyx_destination "${STONYX_DESTINATION}")
else()
    set(_stonyx_destination "${CMAKE_INSTALL_PREFIX}/${STONYX_DESTINATION}")
endif()
file(INSTALL DESTINATION "${_stonyx_destination}" TYPE FILE FILES "${_stonyx_staged}")
