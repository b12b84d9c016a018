// std::deque: its size, then its elements, each built in place.
#pragma once

#include <deque>

#include "respawn/detail/container_io.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class T, class Alloc>
struct held_types<std::deque<T, Alloc>> {
  using type = type_list<T>;
};

template <class T, class Alloc>
struct value_io<std::deque<T, Alloc>> {
  template <class Archive>
  static void save(Archive& archive, const std::deque<T, Alloc>& c) {
    save_elements(archive, c, c.size());
  }
  template <class Archive>
  static void load(Archive& archive, std::deque<T, Alloc>& c) {
    load_by_emplace_back(archive, c);
  }
};

}  // namespace respawn::detail
