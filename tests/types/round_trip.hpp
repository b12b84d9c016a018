// Helpers for the round-trip tests: a scratch folder per test, a save and load
// through a real snapshot file, a policy struct that holds any value as a
// field between two sentinels, and a small policy struct to put in containers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <tuple>

#include "fuzz/fuzz_harness.hpp"
#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace respawn_test {

// A folder of its own under the system's temporary folder, removed with its
// contents. The name holds the test's name, the process id and a counter, so
// tests running in parallel never share one.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<unsigned> counter{0};
    std::string name = "respawn";
    if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
      name += std::string("-") + info->test_suite_name() + "-" + info->name();
    }
    for (char& c : name) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') c = '_';
    }
    path_ = std::filesystem::temp_directory_path() /
            (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Saves `root` to a fresh file and loads it back.
template <class T>
std::unique_ptr<T> RoundTrip(const T& root, const respawn::save_options& save_options = {},
                             const respawn::load_options& load_options = {}) {
  ScratchDir dir;
  const std::filesystem::path file = dir / "snapshot.respawn";
  respawn::save(root, file, save_options);
  return respawn::load<T>(file, load_options);
}

// Saves `root` with its frames stored (compression level 0), changes the first
// `from` in the file to `to` (as long) behind valid hashes (the fuzz harness's
// reseal), and expects the load to fail with `code` and every fragment: a
// payload no save writes, which only the reader's own checks can refuse.
template <class T>
void ExpectEditedPayloadFails(const T& root, const std::string& from, const std::string& to,
                              respawn::errc code, std::initializer_list<std::string> fragments) {
  ASSERT_EQ(from.size(), to.size());
  ScratchDir dir;
  const std::filesystem::path file = dir / "snapshot.respawn";
  respawn::save_options stored;
  stored.compression_level = 0;
  respawn::save(root, file, stored);
  std::string bytes = respawn::testing::read_file(file);
  const std::size_t at = bytes.find(from);
  ASSERT_NE(at, std::string::npos) << "the payload lacks \"" << from << "\"";
  bytes.replace(at, from.size(), to);
  respawn::testing::write_file(file, respawn_fuzz::reseal(bytes));
  respawn::testing::expect_error(
      code, [&] { respawn::load<T>(file); }, fragments);
}

inline constexpr std::uint32_t kBefore = 0xA1B2C3D4u;
inline constexpr std::uint64_t kAfter = 0x0102030405060708u;

// Holds a value as a serialize field between two sentinels, so a value that
// writes or reads the wrong number of bytes shows in the fields around it.
template <class V>
struct Holder {
  std::uint32_t before = 0;
  V value{};
  std::uint64_t after = 0;
};

// Saves make()'s value inside a Holder, loads it back and checks the sentinels.
template <class Make>
std::unique_ptr<Holder<std::invoke_result_t<Make>>> HolderRoundTrip(Make make) {
  Holder<std::invoke_result_t<Make>> holder;
  holder.before = kBefore;
  holder.value = make();
  holder.after = kAfter;
  auto loaded = RoundTrip(holder);
  EXPECT_TRUE(loaded != nullptr);
  if (loaded != nullptr) {
    EXPECT_EQ(loaded->before, kBefore);
    EXPECT_EQ(loaded->after, kAfter);
  }
  return loaded;
}

// Checks that the value make() returns restores equal (operator==) both as the
// snapshot's root and as a field of a policy struct. make() must return equal
// values on every call.
template <class Make>
void ExpectRoundTrips(Make make) {
  using V = std::invoke_result_t<Make>;
  {
    SCOPED_TRACE("as the root");
    const V original = make();
    const std::unique_ptr<V> loaded = RoundTrip(original);
    ASSERT_NE(loaded, nullptr);
    EXPECT_TRUE(*loaded == original) << ::testing::PrintToString(*loaded) << "\n  differs from\n"
                                     << ::testing::PrintToString(original);
  }
  {
    SCOPED_TRACE("as a field");
    const auto loaded = HolderRoundTrip(make);
    ASSERT_NE(loaded, nullptr);
    const V original = make();
    EXPECT_TRUE(loaded->value == original) << ::testing::PrintToString(loaded->value) << "\n  differs from\n"
                                           << ::testing::PrintToString(original);
  }
}

// A small policy struct for containers, with ordering and a hash.
struct Point {
  std::int32_t x = 0;
  std::int32_t y = 0;
  std::string label;

  friend bool operator==(const Point&, const Point&) = default;
  friend bool operator<(const Point& a, const Point& b) {
    return std::tie(a.x, a.y, a.label) < std::tie(b.x, b.y, b.label);
  }
  friend std::ostream& operator<<(std::ostream& out, const Point& p) {
    return out << "Point{" << p.x << ", " << p.y << ", \"" << p.label << "\"}";
  }
};

struct PointHash {
  std::size_t operator()(const Point& p) const noexcept {
    return std::hash<std::int64_t>{}((std::int64_t{p.x} << 32) ^ p.y) ^ std::hash<std::string>{}(p.label);
  }
};

}  // namespace respawn_test

template <class V>
struct respawn::policy<respawn_test::Holder<V>> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&respawn_test::Holder<V>::before, "before"),
                      respawn::serialize(&respawn_test::Holder<V>::value, "value"),
                      respawn::serialize(&respawn_test::Holder<V>::after, "after"));
};

template <>
struct respawn::policy<respawn_test::Point> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&respawn_test::Point::x, "x"),
                                                 respawn::serialize(&respawn_test::Point::y, "y"),
                                                 respawn::serialize(&respawn_test::Point::label, "label"));
};
