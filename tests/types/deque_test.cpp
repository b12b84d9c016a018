// std::deque round-trips: empty, ints, strings, policy structs, and one long
// enough to span many of the deque's internal blocks.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(DequeTest, EmptyDequeRoundTrips) {
  ExpectRoundTrips([] { return std::deque<int>(); });
  ExpectRoundTrips([] { return std::deque<Point>(); });
}

TEST(DequeTest, DequeOfIntRoundTrips) {
  ExpectRoundTrips([] { return std::deque<int>{3, -1, 4, -1, 5, -9}; });
}

TEST(DequeTest, DequeOfStringsAndStructsRoundTrips) {
  ExpectRoundTrips([] { return std::deque<std::string>{"", "deque", std::string(3000, 'q')}; });
  ExpectRoundTrips([] { return std::deque<Point>{{1, 1, "one"}, {2, 2, "two"}}; });
  ExpectRoundTrips([] { return std::deque<std::vector<int>>{{}, {1, 2}, {3}}; });
}

TEST(DequeTest, LongDequeRoundTrips) {
  ExpectRoundTrips([] {
    std::deque<long> values;
    for (long i = 0; i < 50000; ++i) values.push_front(i * 31 - 777);
    return values;
  });
}

}  // namespace
}  // namespace respawn_test
