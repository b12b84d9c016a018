// std::array round-trips: arithmetic elements (one block of bytes), bool,
// strings, policy structs, nested arrays and empty arrays.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <string>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(ArrayTest, ArrayOfIntRoundTrips) {
  ExpectRoundTrips([] {
    return std::array<int, 5>{std::numeric_limits<int>::min(), -1, 0, 1, std::numeric_limits<int>::max()};
  });
}

TEST(ArrayTest, ArrayOfStringsRoundTrips) {
  ExpectRoundTrips([] { return std::array<std::string, 3>{"", "middle", std::string(1000, 'm')}; });
}

TEST(ArrayTest, ArrayOfBoolRoundTrips) {
  ExpectRoundTrips([] { return std::array<bool, 7>{true, false, false, true, true, false, true}; });
}

TEST(ArrayTest, ArrayOfPolicyStructsRoundTrips) {
  ExpectRoundTrips([] { return std::array<Point, 2>{Point{1, 2, "a"}, Point{3, 4, "b"}}; });
}

TEST(ArrayTest, NestedArraysRoundTrip) {
  ExpectRoundTrips([] { return std::array<std::array<short, 2>, 3>{{{1, 2}, {3, 4}, {5, 6}}}; });
}

TEST(ArrayTest, EmptyArraysRoundTrip) {
  ExpectRoundTrips([] { return std::array<double, 0>{}; });
  ExpectRoundTrips([] { return std::array<std::string, 0>{}; });
}

TEST(ArrayTest, ArrayOfDoublesRoundTrips) {
  ExpectRoundTrips([] { return std::array<double, 4>{-0.5, 1e-310, 1e308, 0.1}; });
}

}  // namespace
}  // namespace respawn_test
