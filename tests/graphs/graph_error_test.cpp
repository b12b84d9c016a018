// Graphs that break a policy fail with respawn::error naming the code, the
// file and the object path: a raw pointer to an object nothing owns, an
// unregistered derived class behind a base pointer, an object owned twice, a
// raw pointer written before the by-value owner of its target, and nesting
// deeper than save_options::max_depth / load_options::max_depth.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graphs/graph_test_util.hpp"
#include "respawn/respawn.hpp"

namespace respawn_test {

struct Element {
  int id = 0;
  Element* peer = nullptr;
};

struct Graph {
  std::vector<Element> elements;
};

struct Directory {
  std::map<std::string, Element> by_name;
};

struct Shape {
  virtual ~Shape() = default;
  int id = 0;
};

struct Circle : Shape {
  double radius = 1;
};

struct Triangle : Shape {  // has a policy, but is never registered
  int corners = 3;
};

struct Drawing {
  std::vector<std::unique_ptr<Shape>> shapes;
};

// Two unique_ptrs to one object; the destructor gives up the second before
// it could free the object twice.
struct OwnedTwice {
  std::unique_ptr<Element> first;
  std::unique_ptr<Element> second;
  ~OwnedTwice() { (void)second.release(); }
};

// A unique_ptr to an object that a member also holds by value.
struct ValueAndUnique {
  Element held;
  std::unique_ptr<Element> owner;
  ~ValueAndUnique() { (void)owner.release(); }
};

struct SharedAndUnique {
  std::shared_ptr<Element> shared;
  std::unique_ptr<Element> unique;
  ~SharedAndUnique() { (void)unique.release(); }
};

struct PointerFirst {
  Element* pointer = nullptr;  // the policy lists it before the owner
  Element owned;
};

struct Link {
  int value = 0;
  std::unique_ptr<Link> next;
};

}  // namespace respawn_test

namespace rt = respawn_test;

template <>
struct respawn::policy<rt::Element> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Element::id, "id"),
                                                 respawn::serialize(&rt::Element::peer, "peer"));
};
template <>
struct respawn::policy<rt::Graph> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Graph::elements, "elements"));
};
template <>
struct respawn::policy<rt::Directory> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Directory::by_name, "by_name"));
};
template <>
struct respawn::policy<rt::Shape> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Shape::id, "id"));
};
template <>
struct respawn::policy<rt::Circle> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Shape>(), respawn::serialize(&rt::Circle::radius, "radius"));
};
template <>
struct respawn::policy<rt::Triangle> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Shape>(), respawn::serialize(&rt::Triangle::corners, "corners"));
};
template <>
struct respawn::policy<rt::Drawing> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Drawing::shapes, "shapes"));
};
template <>
struct respawn::policy<rt::OwnedTwice> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::OwnedTwice::first, "first"),
                                                 respawn::serialize(&rt::OwnedTwice::second, "second"));
};
template <>
struct respawn::policy<rt::ValueAndUnique> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::ValueAndUnique::held, "held"),
                                                 respawn::serialize(&rt::ValueAndUnique::owner, "owner"));
};
template <>
struct respawn::policy<rt::SharedAndUnique> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::SharedAndUnique::shared, "shared"),
                                                 respawn::serialize(&rt::SharedAndUnique::unique, "unique"));
};
template <>
struct respawn::policy<rt::PointerFirst> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::PointerFirst::pointer, "pointer"),
                                                 respawn::serialize(&rt::PointerFirst::owned, "owned"));
};
template <>
struct respawn::policy<rt::Link> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Link::value, "value"),
                                                 respawn::serialize(&rt::Link::next, "next"));
};

RESPAWN_REGISTER(respawn_test::Circle, "test.errors.circle")

namespace respawn_test {
namespace {

TEST(GraphErrorTest, RawPointerToAnObjectNothingOwnsFailsAtSave) {
  ScratchDir dir;
  const auto file = dir / "unowned.respawn";
  Element outside{99, nullptr};
  Graph graph;
  graph.elements = {{0, nullptr}, {1, &outside}, {2, nullptr}};
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(graph, file); },
              {"elements[1]", file.filename().string()});
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "a failed save left a file behind";
}

TEST(GraphErrorTest, RawPointerToAnotherObjectNothingOwnsIsNamedByItsPath) {
  ScratchDir dir;
  Element outside{99, nullptr};
  Element also_outside{98, nullptr};
  Graph graph;
  graph.elements = {{0, nullptr}, {1, nullptr}, {2, nullptr}, {3, &outside}, {4, &also_outside}};
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(graph, dir / "unowned.respawn"); },
              {"elements[3]"});
}

TEST(GraphErrorTest, PathThroughAMapNamesTheStringKey) {
  ScratchDir dir;
  Element outside;
  Directory directory;
  directory.by_name["alpha"] = {1, nullptr};
  directory.by_name["beta"] = {2, &outside};
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(directory, dir / "map.respawn"); },
              {"by_name[\"beta\"]"});
}

TEST(GraphErrorTest, FailedSaveKeepsThePreviousSnapshot) {
  ScratchDir dir;
  const auto file = dir / "kept.respawn";
  Graph good;
  good.elements = {{1, nullptr}, {2, nullptr}};
  good.elements[1].peer = &good.elements[0];
  respawn::save(good, file);

  Element outside;
  Graph bad;
  bad.elements = {{5, &outside}};
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(bad, file); }, {"elements[0]"});

  const auto loaded = respawn::load<Graph>(file);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->elements.size(), 2u);
  EXPECT_EQ(loaded->elements[1].peer, &loaded->elements[0]);
}

TEST(GraphErrorTest, UnregisteredDerivedClassBehindABasePointerFailsAtSave) {
  ScratchDir dir;
  Drawing drawing;
  drawing.shapes.push_back(std::make_unique<Circle>());
  drawing.shapes.push_back(std::make_unique<Triangle>());
  const std::string message = ExpectError(respawn::errc::policy_violation,
                                          [&] { respawn::save(drawing, dir / "unregistered.respawn"); },
                                          {"Triangle", "shapes[1]", "RESPAWN_REGISTER"});
  EXPECT_EQ(message.find("Circle"), std::string::npos) << "the registered class is blamed: " << message;
}

TEST(GraphErrorTest, ObjectOwnedByTwoUniquePtrsFailsAtSave) {
  ScratchDir dir;
  OwnedTwice twice;
  twice.first = std::make_unique<Element>();
  twice.second.reset(twice.first.get());
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(twice, dir / "twice.respawn"); },
              {"second"});
}

TEST(GraphErrorTest, ObjectHeldByValueAndByUniquePtrFailsAtSave) {
  ScratchDir dir;
  ValueAndUnique both;
  both.owner.reset(&both.held);
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(both, dir / "both.respawn"); }, {"owner"});
}

TEST(GraphErrorTest, ObjectOwnedBySharedPtrAndUniquePtrFailsAtSave) {
  ScratchDir dir;
  SharedAndUnique both;
  both.shared = std::make_shared<Element>();
  both.unique.reset(both.shared.get());
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(both, dir / "both.respawn"); },
              {"unique"});
}

TEST(GraphErrorTest, RawPointerWrittenBeforeTheByValueOwnerOfItsTargetFailsAtSave) {
  ScratchDir dir;
  PointerFirst bad;
  bad.pointer = &bad.owned;
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(bad, dir / "order.respawn"); }, {"owned"});
}

TEST(GraphErrorTest, ForwardPointerToALaterElementOfAVectorFailsAtSave) {
  ScratchDir dir;
  Graph graph;
  graph.elements.resize(3);
  graph.elements[0].peer = &graph.elements[2];  // elements[2] is written after the pointer
  ExpectError(respawn::errc::policy_violation, [&] { respawn::save(graph, dir / "forward.respawn"); },
              {"elements[2]"});
}

std::unique_ptr<Link> MakeChain(int length) {
  std::unique_ptr<Link> head;
  for (int i = length - 1; i >= 0; --i) {
    auto link = std::make_unique<Link>();
    link->value = i;
    link->next = std::move(head);
    head = std::move(link);
  }
  return head;
}

TEST(GraphErrorTest, NestingDeeperThanSaveMaxDepthFailsAtSave) {
  ScratchDir dir;
  const auto file = dir / "deep.respawn";
  const std::unique_ptr<Link> chain = MakeChain(100);
  respawn::save_options options;
  options.max_depth = 50;
  const std::string message = ExpectError(respawn::errc::policy_violation,
                                          [&] { respawn::save(*chain, file, options); }, {"next.next"});
  EXPECT_NE(message.find("max_depth"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(GraphErrorTest, NestingDeeperThanLoadMaxDepthFailsAtLoad) {
  ScratchDir dir;
  const auto file = dir / "deep.respawn";
  const std::unique_ptr<Link> chain = MakeChain(100);
  respawn::save(*chain, file);
  respawn::load_options options;
  options.max_depth = 50;
  ExpectError(respawn::errc::limit_exceeded, [&] { (void)respawn::load<Link>(file, options); },
              {file.filename().string(), "next.next"});

  const auto loaded = respawn::load<Link>(file);  // the default limit is far above 100
  ASSERT_NE(loaded, nullptr);
  int length = 0;
  for (const Link* link = loaded.get(); link != nullptr; link = link->next.get()) {
    EXPECT_EQ(link->value, length);
    ++length;
  }
  EXPECT_EQ(length, 100);
}

TEST(GraphErrorTest, TheDepthASaveNeedsIsEnoughToLoad) {
  // Save and load count depth alike: the smallest max_depth that saves the
  // chain also loads it, and one less fails on both sides.
  ScratchDir dir;
  const auto file = dir / "deep.respawn";
  const std::unique_ptr<Link> chain = MakeChain(100);
  std::size_t needed = 0;
  for (std::size_t depth = 1; depth <= 300 && needed == 0; ++depth) {
    respawn::save_options options;
    options.max_depth = depth;
    try {
      respawn::save(*chain, file, options);
      needed = depth;
    } catch (const respawn::error& e) {
      ASSERT_TRUE(e.code() == respawn::errc::policy_violation) << e.what();
    }
  }
  ASSERT_GE(needed, 100u) << "a chain of 100 objects saved with max_depth " << needed;
  respawn::load_options enough;
  enough.max_depth = needed;
  EXPECT_NE(respawn::load<Link>(file, enough), nullptr);
  respawn::load_options too_little;
  too_little.max_depth = needed - 1;
  ExpectError(respawn::errc::limit_exceeded, [&] { (void)respawn::load<Link>(file, too_little); });
}

}  // namespace
}  // namespace respawn_test
