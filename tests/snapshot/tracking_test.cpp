// Which by-value objects a save records in its object table and numbers: only
// those of types a pointer in the root's graph may refer to (tracked_types.hpp).
// The schema marks those types referenceable, so the reader numbers the same
// objects; a snapshot of format version 1, where every by-value object took an
// id, still loads.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace tracking_test {

struct Tag {  // only ever held by value: nothing can point to it
  std::string text;
};
struct Node {  // held by value in a vector and pointed to by raw pointers
  int value = 0;
  std::vector<Tag> tags;
};
struct Graph {
  std::vector<Tag> tags;
  std::vector<Node> nodes;
  std::vector<Node*> picks;
};

struct Shape {  // polymorphic: a pointer to a base finds it by its dynamic type
  virtual ~Shape() = default;
  int sides = 0;
};
struct Drawing {
  std::vector<Shape> shapes;
};

struct Secret {  // a policy type only Legacy's Boost code reaches: the schema cannot list it
  int code = 0;
};
struct Legacy {  // written by Boost, which the schema walk cannot see into
  Secret inner;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    // clang-format off
    ar & inner;
    // clang-format on
  }
};
struct WithLegacy {
  Legacy legacy;
  std::vector<Tag> tags;
};
struct LegacyAndNodes {
  Legacy legacy;
  std::vector<Node> nodes;
  std::vector<Node*> picks;
};

}  // namespace tracking_test

template <>
struct respawn::policy<tracking_test::Tag> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&tracking_test::Tag::text, "text"));
};
template <>
struct respawn::policy<tracking_test::Node> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&tracking_test::Node::value, "value"),
                                                 respawn::serialize(&tracking_test::Node::tags, "tags"));
};
template <>
struct respawn::policy<tracking_test::Graph> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&tracking_test::Graph::tags, "tags"),
                                                 respawn::serialize(&tracking_test::Graph::nodes, "nodes"),
                                                 respawn::serialize(&tracking_test::Graph::picks, "picks"));
};
template <>
struct respawn::policy<tracking_test::Shape> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&tracking_test::Shape::sides, "sides"));
};
template <>
struct respawn::policy<tracking_test::Drawing> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&tracking_test::Drawing::shapes, "shapes"));
};
template <>
struct respawn::policy<tracking_test::Secret> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&tracking_test::Secret::code, "code"));
};
template <>
struct respawn::policy<tracking_test::LegacyAndNodes> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&tracking_test::LegacyAndNodes::legacy, "legacy"),
                      respawn::serialize(&tracking_test::LegacyAndNodes::nodes, "nodes"),
                      respawn::serialize(&tracking_test::LegacyAndNodes::picks, "picks"));
};
template <>
struct respawn::policy<tracking_test::WithLegacy> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&tracking_test::WithLegacy::legacy, "legacy"),
                      respawn::serialize(&tracking_test::WithLegacy::tags, "tags"));
};

namespace tracking_test {
namespace {

using respawn::detail::describe_graph;
using respawn::detail::type_name;
using respawn::detail::type_slot;

Graph sample_graph() {
  Graph graph;
  graph.tags = {{"a"}, {"b"}};
  for (int i = 0; i < 5; ++i) graph.nodes.push_back({i, {{"t" + std::to_string(i)}, {"u"}}});
  graph.picks = {&graph.nodes[3], &graph.nodes[0], &graph.nodes[3], &graph.nodes[4]};
  return graph;
}

void expect_sample_picks(const Graph& restored) {
  ASSERT_EQ(restored.nodes.size(), 5u);
  ASSERT_EQ(restored.picks.size(), 4u);
  EXPECT_EQ(restored.picks[0], &restored.nodes[3]);
  EXPECT_EQ(restored.picks[1], &restored.nodes[0]);
  EXPECT_EQ(restored.picks[2], &restored.nodes[3]);
  EXPECT_EQ(restored.picks[3], &restored.nodes[4]);
  EXPECT_EQ(restored.nodes[3].tags[0].text, "t3");
  EXPECT_EQ(restored.tags[1].text, "b");
}

TEST(TrackingTest, OnlyTypesAPointerCanReachAreTracked) {
  const auto& tracked = describe_graph<Graph>().tracked;
  EXPECT_TRUE(tracked.contains(type_slot<Node>()));
  EXPECT_FALSE(tracked.contains(type_slot<Tag>()));
  EXPECT_FALSE(tracked.contains(type_slot<Graph>()));
}

TEST(TrackingTest, PolymorphicTypesAreAlwaysTracked) {
  EXPECT_TRUE(describe_graph<Drawing>().tracked.contains(type_slot<Shape>()));
}

TEST(TrackingTest, ATypeBoostWritesMakesEveryTypeTracked) {
  EXPECT_TRUE(describe_graph<WithLegacy>().tracked.contains(type_slot<Tag>()));
}

TEST(TrackingTest, TheSchemaMarksTrackedTypesReferenceable) {
  const auto& schema = describe_graph<Graph>().schema;
  ASSERT_NE(schema.find(type_name<Node>()), nullptr);
  EXPECT_TRUE(schema.find(type_name<Node>())->referenceable);
  EXPECT_FALSE(schema.find(type_name<Tag>())->referenceable);
  EXPECT_FALSE(schema.find(type_name<Graph>())->referenceable);
  EXPECT_TRUE(describe_graph<WithLegacy>().schema.find(type_name<Tag>())->referenceable);
}

// Tags before and inside the Nodes take no ids, on either side, so the raw
// pointers to Nodes written after them resolve to the right Node.
TEST(TrackingTest, PointersAfterUntrackedObjectsResolve) {
  const Graph graph = sample_graph();
  respawn::testing::temp_dir dir;
  respawn::save(graph, dir / "graph.snap");
  expect_sample_picks(*respawn::load<Graph>(dir / "graph.snap"));
}

// Objects of a type only Boost's code reaches are not in the schema; with such
// code in the graph every by-value object takes an id, those included.
TEST(TrackingTest, ObjectsOnlyBoostReachesTakeIds) {
  LegacyAndNodes graph;
  graph.legacy.inner.code = 7;
  graph.nodes = {{1, {{"x"}}}, {2, {}}};
  graph.picks = {&graph.nodes[1], &graph.nodes[0]};
  respawn::testing::temp_dir dir;
  respawn::save(graph, dir / "graph.snap");
  const auto restored = respawn::load<LegacyAndNodes>(dir / "graph.snap");
  EXPECT_EQ(describe_graph<LegacyAndNodes>().schema.find(type_name<Secret>()), nullptr);
  EXPECT_EQ(restored->legacy.inner.code, 7);
  ASSERT_EQ(restored->picks.size(), 2u);
  EXPECT_EQ(restored->picks[0], &restored->nodes[1]);
  EXPECT_EQ(restored->picks[1], &restored->nodes[0]);
}

// sample_graph() as respawn wrote it in container format version 1, where the
// root and every Tag took an id too: the reader numbers them as that writer did.
TEST(TrackingTest, AFormatVersion1SnapshotNumbersEveryByValueObject) {
  const auto file = std::filesystem::path(RESPAWN_TEST_DATA) / "graph_format1.snap";
  expect_sample_picks(*respawn::load<Graph>(file));
}

}  // namespace
}  // namespace tracking_test
