// std::map and std::multimap round-trips: string and struct keys and values,
// negative keys, and multimaps whose duplicate keys keep their values' order.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

TEST(MapTest, EmptyMapRoundTrips) {
  ExpectRoundTrips([] { return std::map<int, int>(); });
  ExpectRoundTrips([] { return std::map<std::string, Point>(); });
}

TEST(MapTest, MapOfIntToStringRoundTrips) {
  ExpectRoundTrips([] { return std::map<int, std::string>{{-5, "minus five"}, {0, ""}, {7, "seven"}}; });
}

TEST(MapTest, MapWithStringKeysAndStructValuesRoundTrips) {
  ExpectRoundTrips([] {
    return std::map<std::string, Point>{
        {"", {0, 0, "empty key"}}, {"a", {1, 2, "a"}}, {std::string("b\0c", 3), {3, 4, ""}}};
  });
}

TEST(MapTest, MapWithStructKeysRoundTrips) {
  ExpectRoundTrips([] {
    return std::map<Point, int>{{{1, 2, "x"}, 10}, {{1, 2, "y"}, 20}, {{-1, 0, ""}, 30}};
  });
}

TEST(MapTest, MapWithCompositeKeysAndContainerValuesRoundTrips) {
  ExpectRoundTrips([] {
    return std::map<std::pair<int, int>, std::vector<std::string>>{{{1, 2}, {"a", "b"}}, {{0, 0}, {}}};
  });
  ExpectRoundTrips([] { return std::map<int, std::map<int, int>>{{1, {{2, 3}}}, {4, {}}}; });
}

TEST(MapTest, LargeMapRoundTrips) {
  ExpectRoundTrips([] {
    std::map<long, std::string> values;
    for (long i = -5000; i < 5000; ++i) values.emplace(i * 3, std::to_string(i));
    return values;
  });
}

TEST(MultimapTest, DuplicateKeysKeepEveryValueInOrder) {
  ExpectRoundTrips([] {
    std::multimap<int, std::string> values;
    values.emplace(1, "first one");
    values.emplace(2, "only two");
    values.emplace(1, "second one");
    values.emplace(1, "third one");
    values.emplace(-1, "minus");
    values.emplace(2, "another two");
    return values;
  });
}

TEST(MultimapTest, MultimapWithStructValuesRoundTrips) {
  ExpectRoundTrips([] {
    return std::multimap<std::string, Point>{{"k", {1, 1, "a"}}, {"k", {2, 2, "b"}}, {"j", {3, 3, "c"}}};
  });
  ExpectRoundTrips([] { return std::multimap<int, int>(); });
}

// A repeated key, which no save writes, is corrupt: a string key (read apart
// and moved into its node) and a struct key (read in a node of its own) alike.
TEST(MapTest, RepeatedKeyInTheFileIsCorrupt) {
  ExpectEditedPayloadFails(std::map<std::string, int>{{"key-a", 1}, {"key-b", 2}}, "key-b", "key-a",
                           respawn::errc::corrupt, {"duplicate key in a map (entry 1)", "snapshot.respawn"});
  ExpectEditedPayloadFails(std::map<Point, int>{{{1, 2, "key-a"}, 1}, {{1, 2, "key-b"}, 2}}, "key-b", "key-a",
                           respawn::errc::corrupt, {"duplicate key in a map (entry 1)", "snapshot.respawn"});
}

}  // namespace
}  // namespace respawn_test
