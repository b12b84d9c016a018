// Snapshots written by an older version of a type load into the newer one;
// snapshots from a newer version are refused. The golden files under
// tests/data were written by the version-1 and version-2 types below; a change
// to the payload format shows up here as a different content hash.
// Set RESPAWN_WRITE_GOLDEN=1 to write them anew (only for a deliberate format change).
#include <gtest/gtest.h>

#include <cstdlib>

#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// Version 1 of the type the snapshots call "Config".
struct ConfigV1 {
  std::string name;
  std::vector<Endpoint> endpoints;
};

// Version 2 adds `retries` and `labels`; old snapshots leave them at their defaults.
struct ConfigV2 {
  std::string name;
  std::vector<Endpoint> endpoints;
  int retries = 5;
  std::map<std::string, std::string> labels;
};

// The same type with a field the version-1 policy never had, without a version bump.
struct ConfigRenamed {
  std::string title;
  std::vector<Endpoint> endpoints;
};

}  // namespace

template <>
struct respawn::policy<Endpoint> {
  static constexpr const char* name = "Endpoint";
  static constexpr auto fields = respawn::fields(respawn::serialize(&Endpoint::host, "host"),
                                                 respawn::serialize(&Endpoint::port, "port"));
};

template <>
struct respawn::policy<ConfigV1> {
  static constexpr const char* name = "Config";
  static constexpr unsigned version = 1;
  static constexpr auto fields = respawn::fields(respawn::serialize(&ConfigV1::name, "name"),
                                                 respawn::serialize(&ConfigV1::endpoints, "endpoints"));
};

template <>
struct respawn::policy<ConfigV2> {
  static constexpr const char* name = "Config";
  static constexpr unsigned version = 2;
  static constexpr auto fields = respawn::fields(respawn::serialize(&ConfigV2::name, "name"),
                                                 respawn::serialize(&ConfigV2::endpoints, "endpoints"),
                                                 respawn::serialize(&ConfigV2::retries, "retries").since(2),
                                                 respawn::serialize(&ConfigV2::labels, "labels").since(2));
};

template <>
struct respawn::policy<ConfigRenamed> {
  static constexpr const char* name = "Config";
  static constexpr unsigned version = 1;
  static constexpr auto fields = respawn::fields(respawn::serialize(&ConfigRenamed::title, "title"),
                                                 respawn::serialize(&ConfigRenamed::endpoints, "endpoints"));
};

namespace {

using respawn::testing::expect_error;
using respawn::testing::temp_dir;

const std::filesystem::path golden_v1 = std::filesystem::path(RESPAWN_TEST_DATA) / "config_v1.snap";
const std::filesystem::path golden_v2 = std::filesystem::path(RESPAWN_TEST_DATA) / "config_v2.snap";

ConfigV1 sample_v1() { return {"build-farm", {{"alpha.example", 8080}, {"beta.example", 9090}}}; }

ConfigV2 sample_v2() {
  return {"build-farm", {{"alpha.example", 8080}}, 11, {{"zone", "eu"}, {"tier", "gold"}}};
}

class SchemaEvolutionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::getenv("RESPAWN_WRITE_GOLDEN") == nullptr) return;
    respawn::save(sample_v1(), golden_v1);
    respawn::save(sample_v2(), golden_v2);
  }
};

TEST_F(SchemaEvolutionTest, GoldenVersion1LoadsAsVersion1) {
  const auto config = respawn::load<ConfigV1>(golden_v1);
  EXPECT_EQ(config->name, "build-farm");
  ASSERT_EQ(config->endpoints.size(), 2u);
  EXPECT_EQ(config->endpoints[1].host, "beta.example");
  EXPECT_EQ(config->endpoints[1].port, 9090);
}

TEST_F(SchemaEvolutionTest, GoldenVersion1LoadsAsVersion2WithNewFieldsAtTheirDefaults) {
  const auto config = respawn::load<ConfigV2>(golden_v1);
  EXPECT_EQ(config->name, "build-farm");
  ASSERT_EQ(config->endpoints.size(), 2u);
  EXPECT_EQ(config->endpoints[0].host, "alpha.example");
  EXPECT_EQ(config->retries, 5);
  EXPECT_TRUE(config->labels.empty());
}

TEST_F(SchemaEvolutionTest, GoldenVersion2LoadsAsVersion2) {
  const auto config = respawn::load<ConfigV2>(golden_v2);
  EXPECT_EQ(config->retries, 11);
  EXPECT_EQ(config->labels.at("tier"), "gold");
}

TEST_F(SchemaEvolutionTest, NewerVersionIsRefused) {
  expect_error(respawn::errc::unsupported_version, [] { respawn::load<ConfigV1>(golden_v2); },
               {"config_v2.snap", "Config", "version 2"});
}

TEST_F(SchemaEvolutionTest, ChangedFieldsWithoutAVersionBumpAreRefused) {
  expect_error(respawn::errc::type_mismatch, [] { respawn::load<ConfigRenamed>(golden_v1); },
               {"Config", "name", "title"});
}

TEST_F(SchemaEvolutionTest, TodaysWriterProducesTheGoldenContent) {
  temp_dir dir;
  EXPECT_EQ(respawn::save(sample_v1(), dir / "v1.snap").hash, respawn::verify(golden_v1).hash);
  EXPECT_EQ(respawn::save(sample_v2(), dir / "v2.snap").hash, respawn::verify(golden_v2).hash);
}

}  // namespace
