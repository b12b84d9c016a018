// std::set containers: their size, then their elements in iteration order.
#pragma once

#include <set>

#include "respawn/detail/container_io.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class K, class... Rest>
struct held_types<std::set<K, Rest...>> {
  using type = type_list<K>;
};

template <class K, class... Rest>
struct value_io<std::set<K, Rest...>> {
  template <class Archive>
  static void save(Archive& archive, const std::set<K, Rest...>& m) {
    save_elements(archive, m, m.size());
  }
  template <class Archive>
  static void load(Archive& archive, std::set<K, Rest...>& m) {
    load_set(archive, m);
  }
};

template <class K, class... Rest>
struct held_types<std::multiset<K, Rest...>> {
  using type = type_list<K>;
};

template <class K, class... Rest>
struct value_io<std::multiset<K, Rest...>> {
  template <class Archive>
  static void save(Archive& archive, const std::multiset<K, Rest...>& m) {
    save_elements(archive, m, m.size());
  }
  template <class Archive>
  static void load(Archive& archive, std::multiset<K, Rest...>& m) {
    load_set(archive, m);
  }
};

}  // namespace respawn::detail
