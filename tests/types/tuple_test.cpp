// std::tuple round-trips: empty, one member, and mixed members.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(TupleTest, EmptyTupleRoundTrips) {
  ExpectRoundTrips([] { return std::tuple<>(); });
}

TEST(TupleTest, SingleMemberTupleRoundTrips) {
  ExpectRoundTrips([] { return std::tuple<int>(77); });
}

TEST(TupleTest, MixedMembersRoundTrip) {
  ExpectRoundTrips([] {
    return std::tuple<int, std::string, double, Point, std::vector<bool>, char>(
        -1, "tuple", 3.5, Point{9, 9, "nine"}, std::vector<bool>{true, false, true}, 'z');
  });
}

TEST(TupleTest, NestedTuplesRoundTrip) {
  ExpectRoundTrips([] {
    return std::tuple<std::tuple<int, int>, std::tuple<>, std::tuple<std::string>>({1, 2}, {}, {"inner"});
  });
}

}  // namespace
}  // namespace respawn_test
