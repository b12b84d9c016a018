// std::tuple: its members in order.
#pragma once

#include <tuple>
#include <utility>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class... T>
struct held_types<std::tuple<T...>> {
  using type = type_list<T...>;
};

template <class... T>
struct value_io<std::tuple<T...>> {
  template <class Archive>
  static void save(Archive& archive, const std::tuple<T...>& tuple) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (archive.save_item(I, std::get<I>(tuple)), ...); }
    (std::index_sequence_for<T...>{});
  }
  template <class Archive>
  static void load(Archive& archive, std::tuple<T...>& tuple) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (archive.load_item(I, std::get<I>(tuple)), ...); }
    (std::index_sequence_for<T...>{});
  }
};

}  // namespace respawn::detail
