// How a pointer or field holds the object it reaches; shared by both archives.
#pragma once

#include <cstdint>

namespace respawn::detail {

enum class ownership : std::uint8_t {
  none,    // a raw, non-owning pointer
  value,   // the object is a field, container element or root, held by value
  unique,  // std::unique_ptr
  shared,  // std::shared_ptr
};

// Pointer references in the payload: 0 is null, (id << 1) | 1 introduces a new
// object whose contents follow, (id << 1) refers back to an object already seen.
inline constexpr std::uint64_t null_reference = 0;

}  // namespace respawn::detail
