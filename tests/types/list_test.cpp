// std::list round-trips: empty, ints, strings, policy structs, nested lists.
#include <gtest/gtest.h>

#include <list>
#include <string>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(ListTest, EmptyListRoundTrips) {
  ExpectRoundTrips([] { return std::list<int>(); });
  ExpectRoundTrips([] { return std::list<std::string>(); });
}

TEST(ListTest, ListOfIntRoundTrips) {
  ExpectRoundTrips([] { return std::list<int>{5, 4, -3, 2, 1, 0}; });
}

TEST(ListTest, ListOfStringsAndStructsRoundTrips) {
  ExpectRoundTrips([] { return std::list<std::string>{"x", "", "zz"}; });
  ExpectRoundTrips([] { return std::list<Point>{{7, 8, "p"}, {9, 10, "q"}, {0, 0, ""}}; });
}

TEST(ListTest, NestedListsRoundTrip) {
  ExpectRoundTrips([] { return std::list<std::list<int>>{{1, 2}, {}, {3}}; });
}

}  // namespace
}  // namespace respawn_test
