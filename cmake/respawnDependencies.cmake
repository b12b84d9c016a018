# Finds respawn's dependencies; shared by the build and the installed package.
include(CMakeFindDependencyMacro)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS serialization)

# zstd and xxHash are private to the library; with a static libraries build the
# consumer still links them, so the installed package finds them again.
if(NOT TARGET respawn_zstd)
  find_path(RESPAWN_ZSTD_INCLUDE_DIR zstd.h REQUIRED)
  find_library(RESPAWN_ZSTD_LIBRARY NAMES zstd REQUIRED)
  add_library(respawn_zstd INTERFACE IMPORTED)
  target_include_directories(respawn_zstd INTERFACE ${RESPAWN_ZSTD_INCLUDE_DIR})
  target_link_libraries(respawn_zstd INTERFACE ${RESPAWN_ZSTD_LIBRARY})
endif()
if(NOT TARGET respawn_xxhash)
  find_path(RESPAWN_XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
  find_library(RESPAWN_XXHASH_LIBRARY NAMES xxhash REQUIRED)
  add_library(respawn_xxhash INTERFACE IMPORTED)
  target_include_directories(respawn_xxhash INTERFACE ${RESPAWN_XXHASH_INCLUDE_DIR})
  target_link_libraries(respawn_xxhash INTERFACE ${RESPAWN_XXHASH_LIBRARY})
endif()
