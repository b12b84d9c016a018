// std::unordered_map and std::unordered_multimap round-trips: string keys,
// struct values, duplicate keys, and maps large enough to rehash on load.
#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(UnorderedMapTest, EmptyUnorderedMapRoundTrips) {
  ExpectRoundTrips([] { return std::unordered_map<int, int>(); });
  ExpectRoundTrips([] { return std::unordered_map<std::string, Point>(); });
}

TEST(UnorderedMapTest, StringKeysRoundTrip) {
  ExpectRoundTrips([] {
    return std::unordered_map<std::string, int>{
        {"alpha", 1}, {"", 0}, {"gamma", -3}, {std::string("d\0e", 3), 4}};
  });
}

TEST(UnorderedMapTest, StructKeysAndValuesRoundTrip) {
  ExpectRoundTrips([] {
    return std::unordered_map<Point, Point, PointHash>{{{1, 2, "k"}, {3, 4, "v"}}, {{0, 0, ""}, {5, 6, "w"}}};
  });
  ExpectRoundTrips([] { return std::unordered_map<int, std::vector<int>>{{1, {1, 2}}, {2, {}}, {-3, {3}}}; });
}

TEST(UnorderedMapTest, LargeUnorderedMapRoundTrips) {
  ExpectRoundTrips([] {
    std::unordered_map<int, std::string> values;
    for (int i = 0; i < 20000; ++i) values.emplace(i * 7 - 10000, std::to_string(i));
    return values;
  });
}

TEST(UnorderedMultimapTest, DuplicateKeysKeepEveryValue) {
  ExpectRoundTrips([] {
    std::unordered_multimap<int, std::string> values;
    values.emplace(1, "one");
    values.emplace(1, "uno");
    values.emplace(2, "two");
    values.emplace(1, "eins");
    values.emplace(3, "");
    return values;
  });
  ExpectRoundTrips([] {
    return std::unordered_multimap<std::string, Point>{{"a", {1, 1, ""}}, {"a", {2, 2, ""}}};
  });
  ExpectRoundTrips([] { return std::unordered_multimap<int, int>(); });
}

// A repeated key, which no save writes, is corrupt.
TEST(UnorderedMapTest, RepeatedKeyInTheFileIsCorrupt) {
  ExpectEditedPayloadFails(std::unordered_map<std::string, int>{{"key-a", 1}, {"key-b", 2}}, "key-b", "key-a",
                           respawn::errc::corrupt, {"duplicate key in a map (entry 1)", "snapshot.respawn"});
}

}  // namespace
}  // namespace respawn_test
