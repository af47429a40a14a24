# `cmake --install build --prefix P` puts Switchboard where another project's
# find_package(Switchboard) finds it:
#   P/include/switchboard/...          the public headers
#   P/lib/libswitchboard.a, libsb_*.a  the runtime and the layers it is made of
#   P/bin/rtdlc                        the .rtdl compiler
#   P/lib/cmake/Switchboard/           the package: targets, version, rtdl_generate()
# A consumer then writes find_package(Switchboard REQUIRED), rtdl_generate(...) and
# target_link_libraries(app PRIVATE Switchboard::switchboard); docs/using.md shows it whole.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Switchboard)
set(SB_EXPORTED sb_protocol sb_asio sb_redis_wire sb_net sb_core sb_engine sb_adapters switchboard sb_rtdl)
if(TARGET rtdlc)
  list(APPEND SB_EXPORTED rtdlc)
endif()

# A sanitized build (SB_SANITIZE, ./sb sanitize) installs instrumented libraries: whatever
# links them needs the sanitizer runtimes too, so the exported targets say so.
if(SB_SANITIZE)
  foreach(target IN LISTS SB_EXPORTED)
    if(NOT target STREQUAL "rtdlc")
      target_link_options(${target} INTERFACE -fsanitize=${SB_SANITIZE})
    endif()
  endforeach()
endif()

install(TARGETS ${SB_EXPORTED} EXPORT SwitchboardTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/framework/include/switchboard
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT SwitchboardTargets NAMESPACE Switchboard:: DESTINATION ${SB_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/SwitchboardConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SwitchboardConfig.cmake INSTALL_DESTINATION ${SB_CMAKE_DIR})
# 0.x: a minor version may break the API, so only the same minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SwitchboardConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SwitchboardConfig.cmake ${PROJECT_BINARY_DIR}/SwitchboardConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/dsl/cmake/rtdl_generate.cmake
        DESTINATION ${SB_CMAKE_DIR})
