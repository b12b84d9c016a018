#include "respawn/detail/object_path.hpp"

namespace respawn::detail {

std::string object_path::str() const {
  std::string text = root_name_;
  for (const segment& s : segments_) {
    if (s.field != nullptr) {
      text += '.';
      text += s.field;
    } else if (s.key != nullptr) {
      text += "[\"" + *s.key + "\"]";
    } else {
      text += '[' + std::to_string(s.index) + ']';
    }
  }
  return text;
}

void object_path::note_unwinding() noexcept {
  if (!failure_path_.empty()) return;  // a deeper segment already noted it
  try {
    failure_path_ = str();
  } catch (...) {
    // Without memory for the path the error still names the input.
  }
}

}  // namespace respawn::detail
