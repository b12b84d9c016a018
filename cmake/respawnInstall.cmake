# Install rules and the CMake package for respawn.
#
# `cmake --install <build> [--prefix <dir>]` puts
#   <prefix>/${CMAKE_INSTALL_LIBDIR}/        the library
#   <prefix>/${CMAKE_INSTALL_INCLUDEDIR}/respawn/   the whole public header tree
#   <prefix>/${CMAKE_INSTALL_LIBDIR}/cmake/respawn/
#       respawnConfig.cmake, respawnConfigVersion.cmake (SameMajorVersion),
#       respawnTargets.cmake (+ per-config file), respawnDependencies.cmake
# so that a consumer can write
#   find_package(respawn CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE respawn::respawn)
#
# Included from the top-level CMakeLists.txt after the `respawn` target exists.

include(CMakePackageConfigHelpers)

# Installing is on by default when respawn is the top-level project. A project
# that pulls respawn in with add_subdirectory() usually does not want respawn's
# files in its own install tree; it can turn this on.
option(RESPAWN_INSTALL "Generate respawn's install rules" ${RESPAWN_TOP_LEVEL})

set(RESPAWN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/respawn"
  CACHE STRING "Where respawn's CMake package files are installed (relative to the prefix)")
mark_as_advanced(RESPAWN_INSTALL_CMAKEDIR)

if(NOT RESPAWN_INSTALL)
  return()
endif()

install(TARGETS respawn
  EXPORT respawnTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT respawn_runtime
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT respawn_runtime
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT respawn_development)
# (The include path comes with the target: $<INSTALL_INTERFACE:include> in CMakeLists.txt.)

# The whole public tree, detail/ and types/ included. No trailing slash: this
# installs the directory itself, as <includedir>/respawn.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/respawn"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT respawn_development)

install(EXPORT respawnTargets
  NAMESPACE respawn::
  FILE respawnTargets.cmake
  DESTINATION "${RESPAWN_INSTALL_CMAKEDIR}"
  COMPONENT respawn_development)

# A static respawn carries its private zstd/xxHash dependencies into the
# consumer's link line (as $<LINK_ONLY:respawn_zstd>, ...), so the package must
# define those targets again; a shared one need not look for them.
get_target_property(_respawn_type respawn TYPE)
if(_respawn_type STREQUAL "STATIC_LIBRARY")
  set(RESPAWN_PACKAGE_STATIC ON)
else()
  set(RESPAWN_PACKAGE_STATIC OFF)
endif()
unset(_respawn_type)

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/respawnConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/respawnConfig.cmake"
  INSTALL_DESTINATION "${RESPAWN_INSTALL_CMAKEDIR}")

write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/respawnConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)

install(FILES
  "${PROJECT_BINARY_DIR}/respawnConfig.cmake"
  "${PROJECT_BINARY_DIR}/respawnConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/respawnDependencies.cmake"
  DESTINATION "${RESPAWN_INSTALL_CMAKEDIR}"
  COMPONENT respawn_development)
