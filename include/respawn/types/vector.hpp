// std::vector: its size, then its elements. Arithmetic elements travel as one
// block of bytes; others are loaded in place into one reservation, so their
// addresses are final (pointers into the vector stay valid).
#pragma once

#include <algorithm>
#include <vector>

#include "respawn/detail/container_io.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class T, class Alloc>
struct held_types<std::vector<T, Alloc>> {
  using type = type_list<T>;
};

template <class T, class Alloc>
struct value_io<std::vector<T, Alloc>, std::enable_if_t<!std::is_same_v<T, bool>>> {
  template <class Archive>
  static void save(Archive& archive, const std::vector<T, Alloc>& v) {
    if constexpr (std::is_arithmetic_v<T>) {
      archive.write_size(v.size());
      archive.write_bytes(v.data(), v.size() * sizeof(T));
    } else {
      if constexpr (std::is_pointer_v<T> && requires { archive.prefetch_pointers(v.data(), v.size()); }) {
        archive.prefetch_pointers(v.data(), v.size());
      }
      save_elements(archive, v, v.size());
    }
  }

  template <class Archive>
  static void load(Archive& archive, std::vector<T, Alloc>& v) {
    const std::uint64_t size = archive.read_size();
    v.clear();
    if constexpr (std::is_arithmetic_v<T>) {
      // Grows with the bytes that really arrive, never by the size claimed.
      for (std::uint64_t done = 0; done < size;) {
        const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(
            size - done, std::max<std::size_t>(archive.available() / sizeof(T), 1024)));
        v.resize(v.size() + chunk);
        archive.read_bytes(v.data() + done, chunk * sizeof(T));
        done += chunk;
      }
    } else {
      // Room for every element first, so that none moves while later ones load;
      // but each is built only as it arrives, so a claim the payload does not
      // back costs address space, not memory.
      archive.reserve_elements(v, size);
      for (std::size_t index = 0; index < size; ++index) {
        v.emplace_back();
        archive.load_item(index, v.back());
      }
    }
  }
};

template <class Alloc>
struct value_io<std::vector<bool, Alloc>> {
  template <class Archive>
  static void save(Archive& archive, const std::vector<bool, Alloc>& v) {
    archive.write_size(v.size());
    for (const bool bit : v) archive.save(bit);
  }

  template <class Archive>
  static void load(Archive& archive, std::vector<bool, Alloc>& v) {
    const std::uint64_t size = archive.read_size();
    v.clear();
    for (std::uint64_t index = 0; index < size; ++index) {
      bool bit = false;
      archive.load(bit);
      v.push_back(bit);
    }
  }
};

}  // namespace respawn::detail
