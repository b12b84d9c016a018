// std::basic_string: its length, then its characters.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class C, class Traits, class Alloc>
struct value_io<std::basic_string<C, Traits, Alloc>> {
  using string_type = std::basic_string<C, Traits, Alloc>;

  template <class Archive>
  static void save(Archive& archive, const string_type& s) {
    archive.write_size(s.size());
    archive.write_bytes(s.data(), s.size() * sizeof(C));
  }

  // Grows with the bytes that really arrive, never by the size the input claims.
  template <class Archive>
  static void load(Archive& archive, string_type& s) {
    std::uint64_t remaining = archive.read_size();
    if (remaining <= archive.available() / sizeof(C)) {  // the common case: all in the current frame
      const auto size = static_cast<std::size_t>(remaining);
      const char* bytes = archive.read_in_place(size * sizeof(C));
      // A string longer than its buffer is built at its exact size: assign() and
      // resize() grow a buffer to at least twice its capacity, so a restored
      // state of short strings would take more memory, and page faults, than
      // the saved one.
      if constexpr (std::is_same_v<C, char>) {
        if (size <= s.capacity()) {
          s.assign(bytes, size);
        } else {
          s = string_type(bytes, size, s.get_allocator());
        }
      } else {
        if (size <= s.capacity()) {
          s.resize(size);
        } else {
          s = string_type(size, C(), s.get_allocator());
        }
        std::memcpy(s.data(), bytes, size * sizeof(C));
      }
      return;
    }
    s.clear();
    while (remaining > 0) {
      const std::size_t chunk = static_cast<std::size_t>(
          std::min<std::uint64_t>(remaining, std::max<std::size_t>(archive.available() / sizeof(C), 4096)));
      const std::size_t old_size = s.size();
      s.resize(old_size + chunk);
      archive.read_bytes(s.data() + old_size, chunk * sizeof(C));
      remaining -= chunk;
    }
  }
};

}  // namespace respawn::detail
