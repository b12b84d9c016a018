# Drives one consumer test; run by CTest as `cmake -D... -P run_consumer.cmake`.
#
#   MODE=package       install respawn's build tree into a fresh prefix, then configure,
#                      build and run tests/consumer/package against it (find_package).
#   MODE=subdirectory  configure, build and run tests/consumer/subdirectory, which
#                      add_subdirectory()s respawn's source tree into its own build.
#
# Inputs (-D): MODE, RESPAWN_SOURCE_DIR, RESPAWN_BINARY_DIR, WORK_DIR, CONFIG,
# GENERATOR, MAKE_PROGRAM, CXX_COMPILER, BUILD_TYPE, CXX_FLAGS, EXE_LINKER_FLAGS,
# SHARED_LINKER_FLAGS, BUILD_SHARED_LIBS, LIBDIR, INCLUDEDIR, PREFIX_PATH (the
# build's CMAKE_PREFIX_PATH with '|' between entries).
cmake_minimum_required(VERSION 3.20)

foreach(var IN ITEMS MODE RESPAWN_SOURCE_DIR RESPAWN_BINARY_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()

# run(<step> <command>...): runs a command, echoing it; stops the test when it fails.
function(run step)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "[${MODE}] ${step}: ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[${MODE}] ${step} failed (${rc})")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# The consumer is built like respawn's own build: same compiler, generator,
# build type and flags (a sanitizer build of respawn needs the sanitizer runtime
# in the consumer's link too). The settings go through an initial cache file,
# which keeps lists and flags with spaces intact.
string(REPLACE "|" ";" prefix_path "${PREFIX_PATH}")
if(MODE STREQUAL "package")
  set(prefix "${WORK_DIR}/prefix")
  list(PREPEND prefix_path "${prefix}")
endif()
set(init_cache "${WORK_DIR}/init-cache.cmake")
file(WRITE "${init_cache}" "")
foreach(setting IN ITEMS
    "CMAKE_CXX_COMPILER|${CXX_COMPILER}"
    "CMAKE_BUILD_TYPE|${BUILD_TYPE}"
    "CMAKE_CXX_FLAGS|${CXX_FLAGS}"
    "CMAKE_EXE_LINKER_FLAGS|${EXE_LINKER_FLAGS}"
    "CMAKE_SHARED_LINKER_FLAGS|${SHARED_LINKER_FLAGS}"
    "CMAKE_MAKE_PROGRAM|${MAKE_PROGRAM}"
    "CMAKE_PREFIX_PATH|${prefix_path}"
    "CMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY|ON")
  string(FIND "${setting}" "|" bar)
  string(SUBSTRING "${setting}" 0 ${bar} name)
  math(EXPR bar "${bar} + 1")
  string(SUBSTRING "${setting}" ${bar} -1 value)
  if(NOT value STREQUAL "")
    file(APPEND "${init_cache}" "set(${name} [==[${value}]==] CACHE STRING \"\")\n")
  endif()
endforeach()
if(MODE STREQUAL "subdirectory" AND NOT "${BUILD_SHARED_LIBS}" STREQUAL "")
  file(APPEND "${init_cache}" "set(BUILD_SHARED_LIBS [==[${BUILD_SHARED_LIBS}]==] CACHE BOOL \"\")\n")
endif()
set(configure_args -G "${GENERATOR}" -C "${init_cache}")
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
if(NOT cores GREATER 0)
  set(cores 2)
endif()

set(build_dir "${WORK_DIR}/build")
if(MODE STREQUAL "package")
  run("install" "${CMAKE_COMMAND}" --install "${RESPAWN_BINARY_DIR}" --prefix "${prefix}" ${config_args})

  if(IS_ABSOLUTE "${LIBDIR}" OR IS_ABSOLUTE "${INCLUDEDIR}")
    message(FATAL_ERROR "CMAKE_INSTALL_LIBDIR/INCLUDEDIR are absolute; the test installs into its own prefix")
  endif()
  foreach(file IN ITEMS
      "${LIBDIR}/cmake/respawn/respawnConfig.cmake"
      "${LIBDIR}/cmake/respawn/respawnConfigVersion.cmake"
      "${LIBDIR}/cmake/respawn/respawnTargets.cmake"
      "${LIBDIR}/cmake/respawn/respawnDependencies.cmake"
      "${INCLUDEDIR}/respawn/respawn.hpp")
    if(NOT EXISTS "${prefix}/${file}")
      message(FATAL_ERROR "[package] the install tree lacks ${file}")
    endif()
  endforeach()

  run("configure" "${CMAKE_COMMAND}" -S "${RESPAWN_SOURCE_DIR}/tests/consumer/package" -B "${build_dir}"
    ${configure_args})

  # The package must come from the fresh prefix, not from some other install.
  file(STRINGS "${build_dir}/CMakeCache.txt" found_dir REGEX "^respawn_DIR:")
  string(REGEX REPLACE "^respawn_DIR:[A-Z]+=" "" found_dir "${found_dir}")
  file(REAL_PATH "${found_dir}" found_dir)
  file(REAL_PATH "${prefix}" real_prefix)
  string(FIND "${found_dir}/" "${real_prefix}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "[package] respawn was found in ${found_dir}, not in the test's prefix ${prefix}")
  endif()
elseif(MODE STREQUAL "subdirectory")
  run("configure" "${CMAKE_COMMAND}" -S "${RESPAWN_SOURCE_DIR}/tests/consumer/subdirectory" -B "${build_dir}"
    ${configure_args} "-DRESPAWN_SOURCE_DIR=${RESPAWN_SOURCE_DIR}")
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}' (package or subdirectory)")
endif()

run("build" "${CMAKE_COMMAND}" --build "${build_dir}" --parallel ${cores} ${config_args})

# Single-config generators put the program in the build directory, multi-config
# ones in a per-configuration folder.
set(program "")
foreach(candidate IN ITEMS "${build_dir}/consumer" "${build_dir}/${CONFIG}/consumer")
  if(EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
    set(program "${candidate}")
    break()
  endif()
endforeach()
if(NOT program)
  message(FATAL_ERROR "[${MODE}] the consumer program was not built in ${build_dir}")
endif()
run("run" "${program}")
message(STATUS "[${MODE}] passed")
