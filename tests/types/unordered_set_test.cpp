// std::unordered_set and std::unordered_multiset round-trips.
#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(UnorderedSetTest, EmptyUnorderedSetRoundTrips) {
  ExpectRoundTrips([] { return std::unordered_set<int>(); });
}

TEST(UnorderedSetTest, NumbersStringsAndStructsRoundTrip) {
  ExpectRoundTrips([] { return std::unordered_set<int>{5, -5, 0, 123456}; });
  ExpectRoundTrips([] { return std::unordered_set<std::string>{"", "x", "yy", std::string(300, 'z')}; });
  ExpectRoundTrips([] { return std::unordered_set<Point, PointHash>{{1, 2, "a"}, {2, 1, "a"}, {0, 0, ""}}; });
}

TEST(UnorderedSetTest, LargeUnorderedSetRoundTrips) {
  ExpectRoundTrips([] {
    std::unordered_set<long> values;
    for (long i = 0; i < 30000; ++i) values.insert(i * 104729 % 1000003);
    return values;
  });
}

TEST(UnorderedMultisetTest, RepeatedElementsAllComeBack) {
  ExpectRoundTrips([] { return std::unordered_multiset<int>{1, 1, 2, 1, 3, 3}; });
  ExpectRoundTrips([] { return std::unordered_multiset<std::string>{"a", "a", "", ""}; });
  ExpectRoundTrips([] { return std::unordered_multiset<Point, PointHash>{{1, 1, "p"}, {1, 1, "p"}}; });
  ExpectRoundTrips([] { return std::unordered_multiset<char>(); });
}

// A repeated element, which no save writes, is corrupt.
TEST(UnorderedSetTest, RepeatedElementInTheFileIsCorrupt) {
  ExpectEditedPayloadFails(std::unordered_set<std::string>{"item-a", "item-b"}, "item-b", "item-a",
                           respawn::errc::corrupt,
                           {"duplicate element in a set (entry 1)", "snapshot.respawn"});
}

}  // namespace
}  // namespace respawn_test
