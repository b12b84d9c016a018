// Helpers the standard container headers in respawn/types/ share: a size
// followed by the elements, loaded in place so that pointers into them and
// after_restore hooks see their final addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

#include "respawn/error.hpp"

namespace respawn::detail {

template <class Archive, class Range>
void save_elements(Archive& archive, const Range& range, std::size_t size) {
  archive.write_size(size);
  std::size_t index = 0;
  for (const auto& element : range) archive.save_item(index++, element);
}

template <class Archive, class Map>
void save_entries(Archive& archive, const Map& map) {
  archive.write_size(map.size());
  std::size_t index = 0;
  for (const auto& [key, value] : map) archive.save_entry(index++, key, value);
}

// For containers that never move their elements as they grow (deque, list).
template <class Archive, class Container>
void load_by_emplace_back(Archive& archive, Container& container) {
  const std::uint64_t size = archive.read_size();
  container.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    container.emplace_back();
    archive.load_item(index, container.back());
  }
}

// Set keys and map keys are read into a temporary and then moved into the
// container; objects tracked inside a key move along with it.
template <class Archive, class Set>
void load_set(Archive& archive, Set& set) {
  const std::uint64_t size = archive.read_size();
  set.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    typename Set::value_type key{};
    const std::size_t mark = archive.tracking_mark();
    archive.load_item(index, key);
    const std::size_t before = set.size();
    const auto position = set.emplace_hint(set.end(), std::move(key));
    if (set.size() == before) archive.fail(errc::corrupt, "duplicate element in a set");
    archive.relocated(mark, &key, &*position, sizeof key);
  }
}

template <class Archive, class Map>
void load_map(Archive& archive, Map& map) {
  const std::uint64_t size = archive.read_size();
  map.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    typename Map::key_type key{};
    const std::size_t mark = archive.tracking_mark();
    archive.load_item(index, key);
    const std::size_t before = map.size();
    const auto position =
        map.emplace_hint(map.end(), std::piecewise_construct, std::forward_as_tuple(std::move(key)), std::tuple<>());
    if (map.size() == before) archive.fail(errc::corrupt, "duplicate key in a map");
    archive.relocated(mark, &key, &position->first, sizeof key);
    archive.load_entry_value(index, position->first, position->second);
  }
}

}  // namespace respawn::detail
