// std::filesystem::path round-trips keep the path's native string exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

// Compared through their native strings: the paths' own operator== treats
// some different spellings as equal, and GoogleTest cannot print a path.
void ExpectPathRoundTrips(const std::filesystem::path& original) {
  SCOPED_TRACE(original.native());
  const auto root = RoundTrip(original);
  ASSERT_TRUE(root != nullptr);
  EXPECT_EQ(root->native(), original.native());
  const auto holder = HolderRoundTrip([&] { return original; });
  ASSERT_TRUE(holder != nullptr);
  EXPECT_EQ(holder->value.native(), original.native());
}

TEST(PathTest, PathsKeepTheirExactSpelling) {
  for (const char* text : {"", "/", "relative/file.txt", "/absolute/with space/and.dots..", "./a//b/../c/",
                           "trailing/", "\xff\xfe not utf-8", "/tmp/\xc3\xa9t\xc3\xa9"}) {
    ExpectPathRoundTrips(std::filesystem::path(text));
  }
}

TEST(PathTest, VectorOfPathsRoundTrips) {
  const std::vector<std::filesystem::path> original{"a", "/b/c", ""};
  const auto loaded = RoundTrip(original);
  ASSERT_TRUE(loaded != nullptr);
  ASSERT_EQ(loaded->size(), original.size());
  for (std::size_t i = 0; i < original.size(); ++i) EXPECT_EQ((*loaded)[i].native(), original[i].native());
}

}  // namespace
}  // namespace respawn_test
