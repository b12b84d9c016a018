// std::filesystem::path: its native string.
#pragma once

#include <filesystem>
#include <string>

#include "respawn/detail/value_io.hpp"
#include "respawn/types/string.hpp"

namespace respawn::detail {

template <>
struct value_io<std::filesystem::path> {
  template <class Archive>
  static void save(Archive& archive, const std::filesystem::path& path) {
    archive.save_override(path.native());
  }
  template <class Archive>
  static void load(Archive& archive, std::filesystem::path& path) {
    std::filesystem::path::string_type native;
    archive.load_override(native);
    path = std::move(native);
  }
};

}  // namespace respawn::detail
