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
// Memory grows with the elements really read, but an element may take much
// more memory than payload (fields not written, or none at all), so the claim
// is held to max_raw_bytes as a vector's is.
template <class Archive, class Container>
void load_by_emplace_back(Archive& archive, Container& container) {
  const std::uint64_t size = archive.read_size();
  archive.check_allocation(size, sizeof(typename Container::value_type));
  container.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    container.emplace_back();
    archive.load_item(index, container.back());
  }
}

// Set elements and map keys cannot change once in their container, and must
// be read before their container knows where they go. So each is built in a
// node of a scratch container, read in place through the node handle, and the
// node is then linked into the real container: the element never moves, and
// pointers to it or into it, resolved while it was read, stay valid.
// emplace() gives a pair for unique containers and an iterator for multi ones.
template <class Result>
auto emplaced_position(Result result) {
  if constexpr (requires { result.first; }) {
    return result.first;
  } else {
    return result;
  }
}

// Like load_by_emplace_back, the claim is held to max_raw_bytes: duplicates
// are refused, but a multiset's or multimap's are not.
template <class Archive, class Set>
void load_set(Archive& archive, Set& set) {
  const std::uint64_t size = archive.read_size();
  archive.check_allocation(size, sizeof(typename Set::value_type));
  set.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    Set scratch;
    auto node = scratch.extract(emplaced_position(scratch.emplace()));
    archive.load_item(index, node.value());
    const std::size_t before = set.size();
    set.insert(set.end(), std::move(node));
    if (set.size() == before) archive.fail(errc::corrupt, "duplicate element in a set");
  }
}

template <class Archive, class Map>
void load_map(Archive& archive, Map& map) {
  const std::uint64_t size = archive.read_size();
  archive.check_allocation(size, sizeof(typename Map::value_type));
  map.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    Map scratch;
    auto node = scratch.extract(
        emplaced_position(scratch.emplace(std::piecewise_construct, std::tuple<>(), std::tuple<>())));
    archive.load_item(index, node.key());
    archive.load_entry_value(index, node.key(), node.mapped());
    const std::size_t before = map.size();
    map.insert(map.end(), std::move(node));
    if (map.size() == before) archive.fail(errc::corrupt, "duplicate key in a map");
  }
}

}  // namespace respawn::detail
