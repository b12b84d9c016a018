// std::forward_list: its size, then its elements, each built in place.
#pragma once

#include <forward_list>
#include <iterator>

#include "respawn/detail/container_io.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class T, class Alloc>
struct held_types<std::forward_list<T, Alloc>> {
  using type = type_list<T>;
};

template <class T, class Alloc>
struct value_io<std::forward_list<T, Alloc>> {
  template <class Archive>
  static void save(Archive& archive, const std::forward_list<T, Alloc>& list) {
    save_elements(archive, list, static_cast<std::size_t>(std::distance(list.begin(), list.end())));
  }
  template <class Archive>
  static void load(Archive& archive, std::forward_list<T, Alloc>& list) {
    const std::uint64_t size = archive.read_size();
    archive.check_allocation(size, sizeof(T));  // as load_by_emplace_back does
    list.clear();
    auto last = list.before_begin();
    for (std::uint64_t index = 0; index < size; ++index) {
      last = list.emplace_after(last);
      archive.load_item(index, *last);
    }
  }
};

}  // namespace respawn::detail
