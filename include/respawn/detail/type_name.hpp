// The names snapshots use for types: policy<T>::name when the policy gives one,
// otherwise the demangled C++ name, which is stable for a type across builds
// and processes of one platform.
#pragma once

#include <cstddef>
#include <string>
#include <typeinfo>

#include "respawn/detail/policy_traits.hpp"

namespace respawn::detail {

std::string demangled_name(const std::type_info& type);

template <class T>
const std::string& type_name() {
  static const std::string name = [] {
    if constexpr (requires { policy<T>::name; }) {
      return std::string(policy<T>::name);
    } else {
      return demangled_name(typeid(T));
    }
  }();
  return name;
}

// A small dense number per type, used to cache per-save or per-load facts about it.
std::size_t next_type_slot();
template <class T>
std::size_t type_slot() {
  static const std::size_t slot = next_type_slot();
  return slot;
}

}  // namespace respawn::detail
