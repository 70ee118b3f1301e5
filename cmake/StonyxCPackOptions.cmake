# SPDX-License-Identifier: MIT
# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE).

if(CPACK_GENERATOR STREQUAL "DEB")
    # Each component's description starts with its own synopsis line; without this,
    # CPack would put the one project summary in front of all of them.
    unset(CPACK_PACKAGE_DESCRIPTION_SUMMARY)
endif()
