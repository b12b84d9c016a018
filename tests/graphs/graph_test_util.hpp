// Helpers for the object graph tests: expecting a respawn::error, counting
// live objects (to see that a failed load frees what it built), and the
// round-trip helpers of tests/types.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {

// Runs `action`, expecting a respawn::error with `code` whose what() contains
// every one of `fragments`. Returns the message ("" when nothing was thrown).
inline std::string ExpectError(respawn::errc code, const std::function<void()>& action,
                               std::initializer_list<std::string> fragments = {}) {
  try {
    action();
  } catch (const respawn::error& e) {
    const std::string message = e.what();
    EXPECT_TRUE(e.code() == code) << "expected " << respawn::to_string(code) << ", got "
                                  << respawn::to_string(e.code()) << ": " << message;
    for (const std::string& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "\"" << message << "\" lacks \"" << fragment << "\"";
    }
    return message;
  }
  ADD_FAILURE() << "expected respawn::error " << respawn::to_string(code) << ", but nothing was thrown";
  return "";
}

// Counts its live instances. An excluded LiveCounter field counts the
// instances of the struct holding it.
class LiveCounter {
 public:
  LiveCounter() { ++count(); }
  LiveCounter(const LiveCounter&) { ++count(); }
  LiveCounter& operator=(const LiveCounter&) = default;
  ~LiveCounter() { --count(); }

  static int& count() {
    static int live = 0;
    return live;
  }
};

inline std::string ReadBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void WriteBytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace respawn_test
