# SPDX-License-Identifier: MIT
# Installs the Runtime and Qml components into PREFIX, then runs TEST_FILE with only
# PREFIX/QML_DIR as import path, so the module comes from the install tree.
file(REMOVE_RECURSE "${PREFIX}")
foreach(component Runtime Qml)
    execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --component ${component}
        RESULT_VARIABLE result OUTPUT_QUIET)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "Installing the ${component} component failed")
    endif()
endforeach()
set(module "${PREFIX}/${QML_DIR}/Stonyx/Sockets")
foreach(file qmldir stonyxsockets.qmltypes libStonyxSocketsQml.so)
    if(NOT EXISTS "${module}/${file}")
        message(FATAL_ERROR "Not installed: ${module}/${file}")
    endif()
endforeach()
foreach(language de fr)
    file(GLOB qm "${PREFIX}/share/stonyx-sockets/translations/stonyx-sockets_${language}.qm")
    if(NOT qm)
        message(FATAL_ERROR "Not installed: share/stonyx-sockets/translations/stonyx-sockets_${language}.qm")
    endif()
endforeach()
execute_process(COMMAND "${RUNNER}" -platform offscreen -import "${PREFIX}/${QML_DIR}" -input "${TEST_FILE}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "The test against the installed module failed")
endif()
