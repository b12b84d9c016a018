// std::optional: a presence byte, then the value, built in place.
#pragma once

#include <optional>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class T>
struct held_types<std::optional<T>> {
  using type = type_list<T>;
};

template <class T>
struct value_io<std::optional<T>> {
  template <class Archive>
  static void save(Archive& archive, const std::optional<T>& value) {
    archive.save(value.has_value());
    if (value) archive.save_item(0, *value);
  }
  template <class Archive>
  static void load(Archive& archive, std::optional<T>& value) {
    bool present = false;
    archive.load(present);
    value.reset();
    if (present) archive.load_item(0, value.emplace());
  }
};

}  // namespace respawn::detail
