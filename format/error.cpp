#include "respawn/error.hpp"

namespace respawn {

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::io_error:
      return "io_error";
    case errc::not_a_snapshot:
      return "not_a_snapshot";
    case errc::unsupported_version:
      return "unsupported_version";
    case errc::truncated:
      return "truncated";
    case errc::corrupt:
      return "corrupt";
    case errc::type_mismatch:
      return "type_mismatch";
    case errc::limit_exceeded:
      return "limit_exceeded";
    case errc::policy_violation:
      return "policy_violation";
  }
  // Only reachable through a value cast from outside the enumeration.
  return "unknown";
}

error::error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}

}  // namespace respawn
