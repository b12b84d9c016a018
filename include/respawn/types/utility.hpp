// std::pair: its two members in order.
#pragma once

#include <type_traits>
#include <utility>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class A, class B>
struct held_types<std::pair<A, B>> {
  using type = type_list<A, B>;
};

template <class A, class B>
struct value_io<std::pair<A, B>> {
  template <class Archive>
  static void save(Archive& archive, const std::pair<A, B>& pair) {
    archive.save_item(0, pair.first);
    archive.save_item(1, pair.second);
  }
  template <class Archive>
  static void load(Archive& archive, std::pair<A, B>& pair) {
    archive.load_item(0, const_cast<std::remove_const_t<A>&>(pair.first));
    archive.load_item(1, pair.second);
  }
};

}  // namespace respawn::detail
