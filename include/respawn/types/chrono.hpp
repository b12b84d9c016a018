// std::chrono::duration (its tick count) and time_point (its duration since
// the clock's epoch).
#pragma once

#include <chrono>

#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class Rep, class Period>
struct value_io<std::chrono::duration<Rep, Period>> {
  template <class Archive>
  static void save(Archive& archive, const std::chrono::duration<Rep, Period>& duration) {
    const Rep count = duration.count();
    archive.save_override(count);
  }
  template <class Archive>
  static void load(Archive& archive, std::chrono::duration<Rep, Period>& duration) {
    Rep count{};
    archive.load_override(count);
    duration = std::chrono::duration<Rep, Period>(count);
  }
};

template <class Clock, class Duration>
struct value_io<std::chrono::time_point<Clock, Duration>> {
  template <class Archive>
  static void save(Archive& archive, const std::chrono::time_point<Clock, Duration>& point) {
    archive.save_override(point.time_since_epoch());
  }
  template <class Archive>
  static void load(Archive& archive, std::chrono::time_point<Clock, Duration>& point) {
    Duration since_epoch{};
    archive.load_override(since_epoch);
    point = std::chrono::time_point<Clock, Duration>(since_epoch);
  }
};

}  // namespace respawn::detail
