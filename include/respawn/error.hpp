// Errors raised by respawn. Every failure is a respawn::error carrying an errc.
#pragma once

#include <stdexcept>
#include <string>

namespace respawn {

enum class errc {
  io_error,             // the operating system refused a read, write, open, rename or sync
  not_a_snapshot,       // the bytes do not start with a respawn header
  unsupported_version,  // newer container format, foreign platform, or a type version this program lacks
  truncated,            // the input ends before the snapshot does
  corrupt,              // a checksum, size or structure check failed
  type_mismatch,        // the snapshot's root type (or a type's field list) is not what the program expects
  limit_exceeded,       // a size in the input is above a load_options limit
  policy_violation,     // the object graph breaks a policy (lazy without recipe, unowned raw pointer, ...)
};

// Stable lowercase name of a code, e.g. "corrupt".
const char* to_string(errc code) noexcept;

class error : public std::runtime_error {
 public:
  error(errc code, const std::string& message);
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

}  // namespace respawn
