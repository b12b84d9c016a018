// Helpers the standard container headers in respawn/types/ share: a size
// followed by the elements, loaded in place so that pointers into them and
// after_restore hooks see their final addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "respawn/detail/value_io.hpp"
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
// be read before their container knows where they go. So each that is not a
// leaf value is built in a node of a scratch container, read in place through
// the node handle, and the node is then linked into the real container: the
// element never moves, and pointers to it or into it, resolved while it was
// read, stay valid.
// emplace() gives a pair for unique containers and an iterator for multi ones.
template <class Result>
auto emplaced_position(Result result) {
  if constexpr (requires { result.first; }) {
    return result.first;
  } else {
    return result;
  }
}

// The error for entry `index` of a unique container, whose key or element an
// earlier entry holds: no save writes one.
template <class Archive>
[[noreturn]] void fail_repeated(const Archive& archive, const char* what, std::uint64_t index) {
  archive.fail(errc::corrupt, std::string("duplicate ") + what + " (entry " + std::to_string(index) + ")");
}

// Like load_by_emplace_back, the claim is held to max_raw_bytes: duplicates
// are refused, but a multiset's or multimap's are not. A leaf element cannot
// be referred to, so it is read apart and moved in, without a scratch node.
template <class Archive, class Set>
void load_set(Archive& archive, Set& set) {
  const std::uint64_t size = archive.read_size();
  archive.check_allocation(size, sizeof(typename Set::value_type));
  set.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    const std::size_t before = set.size();
    if constexpr (leaf_value<typename Set::value_type>) {
      typename Set::value_type element{};
      archive.load_item(index, element);
      set.emplace_hint(set.end(), std::move(element));
    } else {
      Set scratch;
      auto node = scratch.extract(emplaced_position(scratch.emplace()));
      archive.load_item(index, node.value());
      set.insert(set.end(), std::move(node));
    }
    if (set.size() == before) fail_repeated(archive, "element in a set", index);
  }
}

// A leaf key (a number or a string: most maps' keys) is read apart and moved
// into a node of the map itself, and the value is then read in place there:
// no scratch container, whose insertion and extraction were a tenth of a
// load's instructions on the reference state.
template <class Archive, class Map>
void load_map(Archive& archive, Map& map) {
  const std::uint64_t size = archive.read_size();
  archive.check_allocation(size, sizeof(typename Map::value_type));
  map.clear();
  for (std::uint64_t index = 0; index < size; ++index) {
    const std::size_t before = map.size();
    if constexpr (leaf_value<typename Map::key_type>) {
      typename Map::key_type key{};
      archive.load_item(index, key);
      const auto entry = map.emplace_hint(map.end(), std::piecewise_construct,
                                          std::forward_as_tuple(std::move(key)), std::tuple<>());
      if (map.size() == before) fail_repeated(archive, "key in a map", index);
      archive.load_entry_value(index, entry->first, entry->second);
    } else {
      Map scratch;
      auto node = scratch.extract(
          emplaced_position(scratch.emplace(std::piecewise_construct, std::tuple<>(), std::tuple<>())));
      archive.load_item(index, node.key());
      archive.load_entry_value(index, node.key(), node.mapped());
      map.insert(map.end(), std::move(node));
      if (map.size() == before) fail_repeated(archive, "key in a map", index);
    }
  }
}

}  // namespace respawn::detail
