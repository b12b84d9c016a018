// std::basic_string round-trips: empty, embedded NULs, every byte value, wide
// and UTF-16/32 strings, and strings longer than a frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

// Pseudo-random printable text that zstd cannot shrink to nothing.
std::string LongText(std::size_t size, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> letter('!', '~');
  std::string text(size, '\0');
  for (char& c : text) c = static_cast<char>(letter(random));
  return text;
}

// Compares long strings without printing megabytes on failure.
void ExpectSameLongString(const std::string& loaded, const std::string& original) {
  ASSERT_EQ(loaded.size(), original.size());
  const auto mismatch = std::mismatch(loaded.begin(), loaded.end(), original.begin());
  EXPECT_TRUE(mismatch.first == loaded.end())
      << "first difference at byte " << (mismatch.first - loaded.begin());
}

TEST(StringTest, EmptyStringRoundTrips) {
  ExpectRoundTrips([] { return std::string(); });
}

TEST(StringTest, ShortStringRoundTrips) {
  ExpectRoundTrips([] { return std::string("hello, snapshot"); });
}

TEST(StringTest, EmbeddedNulsRoundTrip) {
  ExpectRoundTrips([] { return std::string("a\0b\0\0c\0", 7); });
  ExpectRoundTrips([] { return std::string(5, '\0'); });
}

TEST(StringTest, EveryByteValueRoundTrips) {
  ExpectRoundTrips([] {
    std::string bytes;
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
    return bytes;
  });
}

TEST(StringTest, StringLongerThanAFrameRoundTrips) {
  const std::string original = LongText((std::size_t{3} << 20) + 17, 1);
  const auto root = RoundTrip(original);
  ASSERT_NE(root, nullptr);
  ExpectSameLongString(*root, original);
  const auto holder = HolderRoundTrip([&] { return original; });
  ASSERT_NE(holder, nullptr);
  ExpectSameLongString(holder->value, original);
}

TEST(StringTest, LongStringRoundTripsWithEverySaveSetting) {
  const std::string original = LongText((std::size_t{1} << 20) + 4099, 2);
  struct Setting {
    int level;
    unsigned threads;
    std::size_t frame_bytes;
  };
  for (const Setting setting : {Setting{0, 0, std::size_t{1} << 20}, Setting{1, 0, 4096},
                                Setting{3, 2, 65536}, Setting{0, 1, 1000}}) {
    SCOPED_TRACE(::testing::Message() << "level " << setting.level << ", threads " << setting.threads
                                      << ", frame_bytes " << setting.frame_bytes);
    respawn::save_options options;
    options.compression_level = setting.level;
    options.threads = setting.threads;
    options.frame_bytes = setting.frame_bytes;
    const auto loaded = RoundTrip(original, options);
    ASSERT_NE(loaded, nullptr);
    ExpectSameLongString(*loaded, original);
  }
}

TEST(StringTest, StringsAroundFrameBoundariesRoundTrip) {
  // Small frames so that sizes and characters straddle frame boundaries.
  respawn::save_options options;
  options.frame_bytes = 7;
  const auto loaded =
      RoundTrip(Holder<std::string>{kBefore, "straddles several tiny frames", kAfter}, options);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->before, kBefore);
  EXPECT_EQ(loaded->value, "straddles several tiny frames");
  EXPECT_EQ(loaded->after, kAfter);
}

TEST(StringTest, WideStringsRoundTrip) {
  ExpectRoundTrips([] { return std::wstring(); });
  ExpectRoundTrips([] { return std::wstring(L"wide \u00e9\u4e2d\U0001f600 text"); });
  ExpectRoundTrips([] { return std::wstring(L"nul\0inside", 10); });
  ExpectRoundTrips([] { return std::wstring(70000, L'\x2603'); });
}

TEST(StringTest, Utf16AndUtf32StringsRoundTrip) {
  ExpectRoundTrips([] { return std::u16string(u"utf-16 \u00e9\u4e2d"); });
  ExpectRoundTrips([] { return std::u32string(U"utf-32 \U0001f600"); });
}

TEST(StringTest, Utf8StringRoundTrips) {
  // GoogleTest cannot print a u8string here, so compare it as bytes.
  constexpr char8_t text[] = u8"utf-8 \u00e9\0end";  // the NUL inside is part of the string
  const std::u8string original(text, std::size(text) - 1);
  ASSERT_EQ(original.size(), 12u);
  const auto root = RoundTrip(original);
  ASSERT_TRUE(root != nullptr);
  EXPECT_EQ(std::string(root->begin(), root->end()), std::string(original.begin(), original.end()));
  const auto holder = HolderRoundTrip([&] { return original; });
  ASSERT_TRUE(holder != nullptr);
  EXPECT_EQ(std::string(holder->value.begin(), holder->value.end()),
            std::string(original.begin(), original.end()));
}

// A string longer than its short-string buffer comes back at its own size,
// not at the doubled capacity assign() or resize() would give it: a restored
// state of many short strings takes no more memory than the saved one.
TEST(StringTest, LoadedStringTakesNoMoreCapacityThanItsSize) {
  for (const std::size_t size : {16, 20, 29, 40, 100}) {
    SCOPED_TRACE(::testing::Message() << "size " << size);
    const auto root = RoundTrip(std::string(size, 'x'));
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(root->capacity(), size);
    const auto field = HolderRoundTrip([&] { return std::string(size, 'y'); });
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(field->value.capacity(), size);
    const auto wide = HolderRoundTrip([&] { return std::u32string(size, U'z'); });
    ASSERT_NE(wide, nullptr);
    EXPECT_EQ(wide->value.capacity(), size);
  }
}

}  // namespace
}  // namespace respawn_test
