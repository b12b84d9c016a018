#include "respawn/detail/schema.hpp"

#include <algorithm>

namespace respawn::detail {

// A linear search: a schema holds the few dozen policy types one root reaches,
// and loaders look each one up once.
const type_schema* snapshot_schema::find(const std::string& type_name) const {
  auto it = std::find_if(types.begin(), types.end(),
                         [&](const type_schema& type) { return type.name == type_name; });
  return it == types.end() ? nullptr : &*it;
}

}  // namespace respawn::detail
