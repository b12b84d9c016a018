# Finds respawn's dependencies; shared by the build and the installed package.
#
# In respawn's own build every dependency is REQUIRED. The installed
# respawnConfig.cmake includes this file with _respawn_in_package set: then the
# dependencies are found with find_dependency(), so a consumer's
# find_package(respawn) honours QUIET/REQUIRED and reports respawn as not found
# (respawn_FOUND false, this file returns) instead of stopping with an error.
include(CMakeFindDependencyMacro)

macro(_respawn_find_package)
  if(_respawn_in_package)
    find_dependency(${ARGV})
  else()
    find_package(${ARGV} REQUIRED)
  endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
_respawn_find_package(Threads)
_respawn_find_package(Boost 1.81 COMPONENTS serialization)

# zstd and xxhash are private to the library; with a static libraries build the
# consumer still links them, so the installed package finds them again (a
# package of a shared library does not need them).
# _respawn_find_private(<target> <header> <library>): an IMPORTED INTERFACE target.
macro(_respawn_find_private target header library)
  string(TOUPPER "${library}" _respawn_upper)
  if(_respawn_in_package)
    find_path(RESPAWN_${_respawn_upper}_INCLUDE_DIR ${header})
    find_library(RESPAWN_${_respawn_upper}_LIBRARY NAMES ${library})
    if(NOT RESPAWN_${_respawn_upper}_INCLUDE_DIR OR NOT RESPAWN_${_respawn_upper}_LIBRARY)
      set(respawn_NOT_FOUND_MESSAGE
        "respawn is a static library that needs ${library} (${header} and lib${library}), which was not found")
      set(respawn_FOUND FALSE)
      return()
    endif()
  else()
    find_path(RESPAWN_${_respawn_upper}_INCLUDE_DIR ${header} REQUIRED)
    find_library(RESPAWN_${_respawn_upper}_LIBRARY NAMES ${library} REQUIRED)
  endif()
  add_library(${target} INTERFACE IMPORTED)
  target_include_directories(${target} INTERFACE ${RESPAWN_${_respawn_upper}_INCLUDE_DIR})
  target_link_libraries(${target} INTERFACE ${RESPAWN_${_respawn_upper}_LIBRARY})
endmacro()

if(NOT _respawn_in_package OR _respawn_package_static)
  if(NOT TARGET respawn_zstd)
    _respawn_find_private(respawn_zstd zstd.h zstd)
  endif()
  if(NOT TARGET respawn_xxhash)
    _respawn_find_private(respawn_xxhash xxhash.h xxhash)
  endif()
endif()
