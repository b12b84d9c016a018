// std::array: its N elements in order (N is part of the type, not written).
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class T, std::size_t N>
struct held_types<std::array<T, N>> {
  using type = type_list<T>;
};

template <class T, std::size_t N>
struct value_io<std::array<T, N>> {
  template <class Archive>
  static void save(Archive& archive, const std::array<T, N>& array) {
    if constexpr (std::is_arithmetic_v<T>) {
      archive.write_bytes(array.data(), sizeof(T) * N);
    } else {
      for (std::size_t index = 0; index < N; ++index) archive.save_item(index, array[index]);
    }
  }
  template <class Archive>
  static void load(Archive& archive, std::array<T, N>& array) {
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      archive.read_bytes(array.data(), sizeof(T) * N);
    } else {
      for (std::size_t index = 0; index < N; ++index) archive.load_item(index, array[index]);
    }
  }
};

}  // namespace respawn::detail
