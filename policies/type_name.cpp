#include "respawn/detail/type_name.hpp"

#include <cxxabi.h>

#include <atomic>
#include <cstdlib>
#include <memory>

namespace respawn::detail {

std::string demangled_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                              std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

std::size_t next_type_slot() {
  static std::atomic<std::size_t> next{0};
  return next++;
}

}  // namespace respawn::detail
