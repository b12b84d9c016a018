// std::forward_list round-trips, keeping the order of its elements.
#include <gtest/gtest.h>

#include <forward_list>
#include <string>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(ForwardListTest, EmptyForwardListRoundTrips) {
  ExpectRoundTrips([] { return std::forward_list<int>(); });
}

TEST(ForwardListTest, ForwardListOfIntKeepsOrder) {
  ExpectRoundTrips([] { return std::forward_list<int>{1, 2, 3, -4, 5}; });
}

TEST(ForwardListTest, ForwardListOfStringsAndStructsRoundTrips) {
  ExpectRoundTrips([] { return std::forward_list<std::string>{"first", "", "third"}; });
  ExpectRoundTrips([] { return std::forward_list<Point>{{1, 0, "a"}, {0, 1, "b"}}; });
  ExpectRoundTrips([] { return std::forward_list<std::forward_list<int>>{{1}, {}, {2, 3}}; });
}

TEST(ForwardListTest, SingleElementForwardListRoundTrips) {
  ExpectRoundTrips([] { return std::forward_list<double>{2.5}; });
}

}  // namespace
}  // namespace respawn_test
