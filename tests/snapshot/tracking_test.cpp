// Which by-value objects a save records in its object table: only those of
// types a pointer in the root's graph may refer to (tracked_types.hpp). The
// others take an object id all the same, so references to tracked objects
// that come after them keep resolving.
#include <gtest/gtest.h>

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

struct Legacy {  // written by Boost, which the schema walk cannot see into
  int x = 0;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    // clang-format off
    ar & x;
    // clang-format on
  }
};
struct WithLegacy {
  Legacy legacy;
  std::vector<Tag> tags;
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
struct respawn::policy<tracking_test::WithLegacy> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&tracking_test::WithLegacy::legacy, "legacy"),
                      respawn::serialize(&tracking_test::WithLegacy::tags, "tags"));
};

namespace tracking_test {
namespace {

using respawn::detail::describe_graph;
using respawn::detail::type_slot;

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

// Untracked Tags before and inside the Nodes still count as objects, so the
// raw pointers to Nodes written after them resolve to the right Node.
TEST(TrackingTest, PointersAfterUntrackedObjectsResolve) {
  Graph graph;
  graph.tags = {{"a"}, {"b"}};
  for (int i = 0; i < 5; ++i) graph.nodes.push_back({i, {{"t" + std::to_string(i)}, {"u"}}});
  graph.picks = {&graph.nodes[3], &graph.nodes[0], &graph.nodes[3], &graph.nodes[4]};
  respawn::testing::temp_dir dir;
  respawn::save(graph, dir / "graph.snap");
  const auto restored = respawn::load<Graph>(dir / "graph.snap");
  ASSERT_EQ(restored->picks.size(), 4u);
  EXPECT_EQ(restored->picks[0], &restored->nodes[3]);
  EXPECT_EQ(restored->picks[1], &restored->nodes[0]);
  EXPECT_EQ(restored->picks[2], &restored->nodes[3]);
  EXPECT_EQ(restored->picks[3], &restored->nodes[4]);
  EXPECT_EQ(restored->nodes[3].tags[0].text, "t3");
}

}  // namespace
}  // namespace tracking_test
