// std::set and std::multiset round-trips: numbers, strings, policy structs,
// and multisets with repeated elements.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <utility>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(SetTest, EmptySetRoundTrips) {
  ExpectRoundTrips([] { return std::set<int>(); });
  ExpectRoundTrips([] { return std::set<Point>(); });
}

TEST(SetTest, SetOfIntRoundTrips) {
  ExpectRoundTrips([] { return std::set<int>{9, -9, 0, 3, 1000000}; });
}

TEST(SetTest, SetOfStringsRoundTrips) {
  ExpectRoundTrips([] { return std::set<std::string>{"", "b", "a", std::string("\0", 1), "long one"}; });
}

TEST(SetTest, SetOfPolicyStructsRoundTrips) {
  ExpectRoundTrips([] { return std::set<Point>{{3, 3, "c"}, {1, 1, "a"}, {2, 2, "b"}, {1, 1, ""}}; });
}

TEST(SetTest, SetWithCustomOrderRoundTrips) {
  ExpectRoundTrips([] { return std::set<int, std::greater<>>{1, 5, 3, -2}; });
}

TEST(SetTest, SetOfPairsRoundTrips) {
  ExpectRoundTrips([] { return std::set<std::pair<int, std::string>>{{1, "x"}, {1, "a"}, {0, "z"}}; });
}

TEST(MultisetTest, RepeatedElementsAllComeBack) {
  ExpectRoundTrips([] { return std::multiset<int>{4, 1, 4, 4, -2, 1}; });
  ExpectRoundTrips([] { return std::multiset<std::string>{"b", "a", "b", "", ""}; });
  ExpectRoundTrips([] { return std::multiset<Point>{{1, 1, "p"}, {1, 1, "p"}, {0, 0, ""}}; });
}

TEST(MultisetTest, EmptyMultisetRoundTrips) {
  ExpectRoundTrips([] { return std::multiset<double>(); });
}

// A repeated element, which no save writes, is corrupt: a string (read apart
// and moved in) and a policy struct (read in a node of its own) alike.
TEST(SetTest, RepeatedElementInTheFileIsCorrupt) {
  ExpectEditedPayloadFails(std::set<std::string>{"item-a", "item-b"}, "item-b", "item-a",
                           respawn::errc::corrupt,
                           {"duplicate element in a set (entry 1)", "snapshot.respawn"});
  ExpectEditedPayloadFails(std::set<Point>{{1, 2, "item-a"}, {1, 2, "item-b"}}, "item-b", "item-a",
                           respawn::errc::corrupt,
                           {"duplicate element in a set (entry 1)", "snapshot.respawn"});
}

}  // namespace
}  // namespace respawn_test
