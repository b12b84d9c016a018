// std::optional round-trips: empty and set, of numbers, strings, containers,
// policy structs, and optionals of optionals.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(OptionalTest, EmptyOptionalsRoundTrip) {
  ExpectRoundTrips([] { return std::optional<int>(); });
  ExpectRoundTrips([] { return std::optional<std::string>(); });
  ExpectRoundTrips([] { return std::optional<Point>(); });
}

TEST(OptionalTest, SetOptionalsRoundTrip) {
  ExpectRoundTrips([] { return std::optional<int>(0); });
  ExpectRoundTrips([] { return std::optional<bool>(false); });
  ExpectRoundTrips([] { return std::optional<std::string>(""); });
  ExpectRoundTrips([] { return std::optional<std::string>("present"); });
  ExpectRoundTrips([] { return std::optional<std::vector<int>>(std::vector<int>{1, 2}); });
}

TEST(OptionalTest, OptionalOfPolicyStructRoundTrips) {
  ExpectRoundTrips([] { return std::optional<Point>(Point{8, -8, "inside an optional"}); });
}

TEST(OptionalTest, OptionalOfOptionalKeepsWhichLevelIsEmpty) {
  ExpectRoundTrips([] { return std::optional<std::optional<int>>(); });
  ExpectRoundTrips([] { return std::optional<std::optional<int>>(std::optional<int>()); });
  ExpectRoundTrips([] { return std::optional<std::optional<int>>(std::optional<int>(3)); });
}

TEST(OptionalTest, VectorOfOptionalsRoundTrips) {
  ExpectRoundTrips([] {
    return std::vector<std::optional<Point>>{std::nullopt, Point{1, 2, "x"}, std::nullopt};
  });
}

}  // namespace
}  // namespace respawn_test
