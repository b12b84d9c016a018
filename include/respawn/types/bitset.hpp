// std::bitset: its N bits, eight to a byte, lowest bit first.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>

#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <std::size_t N>
struct value_io<std::bitset<N>> {
  template <class Archive>
  static void save(Archive& archive, const std::bitset<N>& bits) {
    for (std::size_t first = 0; first < N; first += 8) {
      std::uint8_t byte = 0;
      for (std::size_t bit = 0; bit < 8 && first + bit < N; ++bit)
        byte |= (bits[first + bit] ? 1u : 0u) << bit;
      archive.save(byte);
    }
  }
  template <class Archive>
  static void load(Archive& archive, std::bitset<N>& bits) {
    for (std::size_t first = 0; first < N; first += 8) {
      std::uint8_t byte = 0;
      archive.load(byte);
      for (std::size_t bit = 0; bit < 8 && first + bit < N; ++bit)
        bits[first + bit] = ((byte >> bit) & 1u) != 0;
    }
  }
};

}  // namespace respawn::detail
