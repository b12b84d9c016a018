#include "respawn/restore_context.hpp"

#include "respawn/detail/type_name.hpp"
#include "respawn/error.hpp"

namespace respawn {

void* restore_context::find_service(const std::type_info& type) const {
  const auto found = services_.find(std::type_index(type));
  if (found == services_.end()) {
    throw error(errc::policy_violation, "restore_context: no service of type " +
                                            detail::demangled_name(type) +
                                            " was provided (call provide() before load)");
  }
  return found->second;
}

void* restore_context::find_root(const std::type_info& type) const {
  if (root_ == nullptr) throw error(errc::policy_violation, "restore_context: the root is not restored yet");
  if (*root_type_ != type) {
    throw error(errc::type_mismatch, "restore_context: the root is a " + detail::demangled_name(*root_type_) +
                                         ", not a " + detail::demangled_name(type));
  }
  return root_;
}

}  // namespace respawn
