// std::pair round-trips: numbers, strings, policy structs and nested pairs.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(PairTest, PairOfNumberAndStringRoundTrips) {
  ExpectRoundTrips([] { return std::pair<int, std::string>(-4, "four"); });
  ExpectRoundTrips([] { return std::pair<std::string, double>("", 0.5); });
}

TEST(PairTest, PairOfStructAndContainerRoundTrips) {
  ExpectRoundTrips([] { return std::pair<Point, std::vector<int>>(Point{1, 2, "p"}, {3, 4}); });
}

TEST(PairTest, NestedPairsRoundTrip) {
  ExpectRoundTrips([] {
    return std::pair<std::pair<int, char>, std::pair<bool, std::string>>({1, 'x'}, {true, "y"});
  });
}

TEST(PairTest, VectorOfPairsRoundTrips) {
  ExpectRoundTrips([] { return std::vector<std::pair<int, int>>{{1, 2}, {3, 4}, {-5, -6}}; });
}

}  // namespace
}  // namespace respawn_test
