#include "respawn/detail/schema.hpp"

#include <gtest/gtest.h>

namespace respawn::detail {
namespace {

TEST(Schema, FindReturnsTheNamedType) {
  snapshot_schema schema;
  schema.types = {{"A", 1, {}}, {"B", 2, {{"x", field_policy::serialize, 2}}}};
  const type_schema* b = schema.find("B");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->version, 2u);
  EXPECT_EQ(b, &schema.types[1]);
  EXPECT_EQ(schema.find("A"), &schema.types[0]);
}

TEST(Schema, FindReturnsNullForAnUnknownType) {
  snapshot_schema schema;
  EXPECT_EQ(schema.find("A"), nullptr);
  schema.types = {{"A", 1, {}}};
  EXPECT_EQ(schema.find("a"), nullptr);
  EXPECT_EQ(schema.find(""), nullptr);
}

}  // namespace
}  // namespace respawn::detail
