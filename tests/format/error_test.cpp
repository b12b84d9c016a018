#include "respawn/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace respawn {
namespace {

TEST(Error, CarriesCodeAndMessage) {
  const error e(errc::corrupt, "file.snap: frame 3 fails its hash check");
  EXPECT_EQ(e.code(), errc::corrupt);
  EXPECT_STREQ(e.what(), "file.snap: frame 3 fails its hash check");
  const std::runtime_error& base = e;
  EXPECT_STREQ(base.what(), e.what());
}

TEST(Error, EveryCodeHasItsOwnName) {
  const errc codes[] = {errc::io_error,       errc::not_a_snapshot,  errc::unsupported_version,
                        errc::truncated,      errc::corrupt,         errc::type_mismatch,
                        errc::limit_exceeded, errc::policy_violation};
  std::set<std::string> names;
  for (errc code : codes) names.insert(to_string(code));
  EXPECT_EQ(names.size(), std::size(codes));
  EXPECT_STREQ(to_string(errc::not_a_snapshot), "not_a_snapshot");
  EXPECT_STREQ(to_string(errc::limit_exceeded), "limit_exceeded");
}

}  // namespace
}  // namespace respawn
