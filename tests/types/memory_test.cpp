// std::unique_ptr and std::shared_ptr round-trips, null and set, as the root,
// as a field and inside containers. (Graph shape: tests/graphs.)
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

// Both null, or both set to equal values.
template <class P>
::testing::AssertionResult SamePointee(const P& loaded, const P& original) {
  if ((loaded == nullptr) != (original == nullptr)) {
    return ::testing::AssertionFailure() << (loaded == nullptr ? "loaded is null" : "loaded is not null");
  }
  if (loaded != nullptr && !(*loaded == *original)) {
    return ::testing::AssertionFailure() << "pointees differ: " << ::testing::PrintToString(*loaded) << " vs "
                                         << ::testing::PrintToString(*original);
  }
  return ::testing::AssertionSuccess();
}

template <class Make>
void ExpectPointerRoundTrips(Make make) {
  {
    SCOPED_TRACE("as the root");
    const auto original = make();
    const auto loaded = RoundTrip(original);
    ASSERT_NE(loaded, nullptr);
    EXPECT_TRUE(SamePointee(*loaded, original));
  }
  {
    SCOPED_TRACE("as a field");
    const auto loaded = HolderRoundTrip(make);
    ASSERT_NE(loaded, nullptr);
    EXPECT_TRUE(SamePointee(loaded->value, make()));
  }
}

TEST(UniquePtrTest, NullUniquePtrRoundTrips) {
  ExpectPointerRoundTrips([] { return std::unique_ptr<int>(); });
  ExpectPointerRoundTrips([] { return std::unique_ptr<Point>(); });
}

TEST(UniquePtrTest, SetUniquePtrRoundTrips) {
  ExpectPointerRoundTrips([] { return std::make_unique<int>(-17); });
  ExpectPointerRoundTrips([] { return std::make_unique<std::string>("owned text"); });
  ExpectPointerRoundTrips([] { return std::make_unique<Point>(Point{4, 5, "pointee"}); });
  ExpectPointerRoundTrips([] { return std::make_unique<std::vector<int>>(std::vector<int>{1, 2, 3}); });
}

TEST(UniquePtrTest, UniquePtrToUniquePtrRoundTrips) {
  const auto loaded = RoundTrip(std::make_unique<std::unique_ptr<int>>(std::make_unique<int>(9)));
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(*loaded, nullptr);
  ASSERT_NE(**loaded, nullptr);
  EXPECT_EQ(***loaded, 9);
  const auto inner_null = RoundTrip(std::make_unique<std::unique_ptr<int>>());
  ASSERT_NE(inner_null, nullptr);
  ASSERT_NE(*inner_null, nullptr);
  EXPECT_EQ(**inner_null, nullptr);
}

TEST(UniquePtrTest, ContainersOfUniquePtrsRoundTrip) {
  std::vector<std::unique_ptr<Point>> original;
  original.push_back(std::make_unique<Point>(Point{1, 1, "a"}));
  original.push_back(nullptr);
  original.push_back(std::make_unique<Point>(Point{2, 2, "b"}));
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->size(), original.size());
  for (std::size_t i = 0; i < original.size(); ++i) EXPECT_TRUE(SamePointee((*loaded)[i], original[i])) << i;

  std::map<std::string, std::unique_ptr<int>> by_name;
  by_name["x"] = std::make_unique<int>(1);
  by_name["null"] = nullptr;
  const auto loaded_map = RoundTrip(by_name);
  ASSERT_NE(loaded_map, nullptr);
  ASSERT_EQ(loaded_map->size(), 2u);
  EXPECT_TRUE(SamePointee(loaded_map->at("x"), by_name.at("x")));
  EXPECT_EQ(loaded_map->at("null"), nullptr);
}

TEST(SharedPtrTest, NullSharedPtrRoundTrips) {
  ExpectPointerRoundTrips([] { return std::shared_ptr<int>(); });
  ExpectPointerRoundTrips([] { return std::shared_ptr<Point>(); });
}

TEST(SharedPtrTest, SetSharedPtrRoundTrips) {
  ExpectPointerRoundTrips([] { return std::make_shared<double>(2.25); });
  ExpectPointerRoundTrips([] { return std::make_shared<Point>(Point{-1, -2, "shared"}); });
  ExpectPointerRoundTrips([] { return std::make_shared<std::string>(std::string(2000, 's')); });
}

TEST(SharedPtrTest, LoadedSharedPtrIsItsOnlyOwner) {
  const auto loaded = RoundTrip(std::make_shared<Point>(Point{1, 2, "alone"}));
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(*loaded, nullptr);
  EXPECT_EQ(loaded->use_count(), 1);
}

}  // namespace
}  // namespace respawn_test
