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

}  // namespace respawn::detail
