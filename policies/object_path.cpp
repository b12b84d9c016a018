#include "respawn/detail/object_path.hpp"

#include <algorithm>

namespace respawn::detail {

std::string object_path::str() const {
  std::string text = root_name_;
  for (std::size_t i = 0; i < depth_; ++i) {
    const segment& s = segments_[i];
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

void object_path::grow() {
  segments_.resize(std::max<std::size_t>(64, segments_.size() * 2));
  capacity_ = segments_.size();
}

}  // namespace respawn::detail
