// std::vector round-trips: arithmetic elements (one block of bytes), bool,
// policy structs, strings, nested vectors, empty vectors and vectors longer
// than a frame.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(VectorTest, EmptyVectorsRoundTrip) {
  ExpectRoundTrips([] { return std::vector<int>(); });
  ExpectRoundTrips([] { return std::vector<bool>(); });
  ExpectRoundTrips([] { return std::vector<std::string>(); });
  ExpectRoundTrips([] { return std::vector<Point>(); });
  ExpectRoundTrips([] { return std::vector<std::vector<int>>(); });
}

TEST(VectorTest, VectorOfIntRoundTrips) {
  ExpectRoundTrips([] {
    return std::vector<int>{0, -1, 1, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), 42};
  });
}

TEST(VectorTest, VectorOfBoolRoundTrips) {
  ExpectRoundTrips([] { return std::vector<bool>{true}; });
  ExpectRoundTrips(
      [] { return std::vector<bool>{true, false, true, true, false, false, true, false, true}; });
  ExpectRoundTrips([] {
    std::vector<bool> bits;
    for (int i = 0; i < 1001; ++i) bits.push_back(i % 3 == 0 || i % 7 == 0);
    return bits;
  });
}

TEST(VectorTest, VectorOfPolicyStructsRoundTrips) {
  ExpectRoundTrips([] {
    return std::vector<Point>{{1, 2, "a"}, {-3, 4, ""}, {5, -6, std::string(100, 'x')}, {0, 0, "last"}};
  });
}

TEST(VectorTest, VectorOfStringsRoundTrips) {
  ExpectRoundTrips([] {
    return std::vector<std::string>{"", "one", std::string("n\0l", 3), std::string(5000, 'y'), ""};
  });
}

TEST(VectorTest, NestedVectorsRoundTrip) {
  ExpectRoundTrips([] { return std::vector<std::vector<int>>{{}, {1}, {2, 3}, {}, {4, 5, 6}}; });
  ExpectRoundTrips([] {
    return std::vector<std::vector<std::vector<std::string>>>{{{"a", "b"}, {}}, {}, {{""}, {"c"}}};
  });
}

TEST(VectorTest, VectorsOfOtherArithmeticTypesRoundTrip) {
  ExpectRoundTrips([] { return std::vector<char>{'a', '\0', '\xff'}; });
  ExpectRoundTrips([] { return std::vector<std::uint8_t>{0, 255, 128}; });
  ExpectRoundTrips([] { return std::vector<double>{-0.5, 1e300, -1e-300}; });
  ExpectRoundTrips([] { return std::vector<long double>{1.0L, -2.5L}; });
  ExpectRoundTrips([] { return std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), 7}; });
}

TEST(VectorTest, VectorLongerThanAFrameRoundTrips) {
  std::vector<std::uint64_t> original(400000);
  for (std::size_t i = 0; i < original.size(); ++i) original[i] = i * 0x9e3779b97f4a7c15ull;
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(*loaded == original);

  std::vector<std::string> strings(20000);
  for (std::size_t i = 0; i < strings.size(); ++i)
    strings[i] = std::to_string(i * 7919) + std::string(i % 97, 'z');
  const auto loaded_strings = RoundTrip(strings);
  ASSERT_NE(loaded_strings, nullptr);
  EXPECT_TRUE(*loaded_strings == strings);
}

TEST(VectorTest, FieldsAroundAVectorStayInPlaceWithTinyFrames) {
  respawn::save_options options;
  options.frame_bytes = 3;
  const Holder<std::vector<std::int32_t>> original{kBefore, {1, -2, 3, -4, 5}, kAfter};
  const auto loaded = RoundTrip(original, options);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->before, kBefore);
  EXPECT_EQ(loaded->value, original.value);
  EXPECT_EQ(loaded->after, kAfter);
}

}  // namespace
}  // namespace respawn_test
