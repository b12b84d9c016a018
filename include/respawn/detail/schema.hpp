// The schema a snapshot header carries: every policy type the root can reach,
// its version and its fields in order. Loaders use it to learn each type's
// written version; tools use it to describe a snapshot without the program.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace respawn::detail {

enum class field_policy : std::uint8_t { serialize = 0, recompute = 1, exclude = 2, base = 3 };

struct field_schema {
  std::string name;  // for a base: the base type's schema name
  field_policy policy = field_policy::serialize;
  std::uint32_t since = 0;  // type version that added the field (serialize only)
  bool operator==(const field_schema&) const = default;
};

struct type_schema {
  std::string name;
  std::uint32_t version = 0;
  std::vector<field_schema> fields;
  // Whether its objects held by value take object ids: only a type a pointer
  // in the graph may refer to needs them (tracked_types.hpp).
  bool referenceable = true;
  bool operator==(const type_schema&) const = default;
};

struct snapshot_schema {
  std::string root_type;
  std::vector<type_schema> types;
  bool operator==(const snapshot_schema&) const = default;

  const type_schema* find(const std::string& type_name) const;
};

}  // namespace respawn::detail
