// std::map containers: their size, then their entries in iteration order.
#pragma once

#include <map>

#include "respawn/detail/container_io.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class K, class V, class... Rest>
struct held_types<std::map<K, V, Rest...>> {
  using type = type_list<K, V>;
};

template <class K, class V, class... Rest>
struct value_io<std::map<K, V, Rest...>> {
  template <class Archive>
  static void save(Archive& archive, const std::map<K, V, Rest...>& m) {
    save_entries(archive, m);
  }
  template <class Archive>
  static void load(Archive& archive, std::map<K, V, Rest...>& m) {
    load_map(archive, m);
  }
};

template <class K, class V, class... Rest>
struct held_types<std::multimap<K, V, Rest...>> {
  using type = type_list<K, V>;
};

template <class K, class V, class... Rest>
struct value_io<std::multimap<K, V, Rest...>> {
  template <class Archive>
  static void save(Archive& archive, const std::multimap<K, V, Rest...>& m) {
    save_entries(archive, m);
  }
  template <class Archive>
  static void load(Archive& archive, std::multimap<K, V, Rest...>& m) {
    load_map(archive, m);
  }
};

}  // namespace respawn::detail
