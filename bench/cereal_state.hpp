// The reference state through cereal's binary archive, the peer respawn is
// measured against: the same fields respawn's policies serialize, with element
// pointers written as element ids (cereal has no raw-pointer tracking).
#pragma once

#include <memory>
#include <string>

#include "model.hpp"

namespace bench {

// Serializes in memory, as the performance targets measure cereal.
std::string cereal_save(const minibuild::Scheduler& scheduler);
std::unique_ptr<minibuild::Scheduler> cereal_load(const std::string& bytes);

}  // namespace bench
