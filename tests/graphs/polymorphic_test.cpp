// Pointers to a polymorphic base restore objects of their registered derived
// classes: unique_ptr, shared_ptr and raw pointers to a base, two-level
// hierarchies, a base that is not the first base of the derived class, and
// raw base pointers into derived objects held by value.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "graphs/graph_test_util.hpp"
#include "respawn/respawn.hpp"

namespace respawn_test {

struct Shape {
  virtual ~Shape() = default;
  virtual std::string kind() const = 0;
  std::string name;
};

struct Circle : Shape {
  std::string kind() const override { return "circle"; }
  double radius = 0;
};

struct Square : Shape {
  std::string kind() const override { return "square"; }
  int side = 0;
  Shape* neighbour = nullptr;
};

// A class whose Shape part is not at its start.
struct Tagged {
  virtual ~Tagged() = default;
  long tag = 0;
};

struct Badge : Tagged, Shape {
  std::string kind() const override { return "badge"; }
  std::string text;
};

struct Base {
  virtual ~Base() = default;
  int base_value = 0;
};

struct Mid : Base {
  std::string mid_value;
};

struct Leaf : Mid {
  std::vector<int> leaf_values;
  Base* peer = nullptr;
};

struct Drawing {
  std::vector<std::unique_ptr<Shape>> shapes;
  std::vector<Shape*> selection;
  Shape* focus = nullptr;
};

struct Hierarchy {
  std::vector<std::unique_ptr<Base>> objects;
  Base* first_leaf = nullptr;
  Mid* as_mid = nullptr;
};

struct MidOwners {
  std::unique_ptr<Mid> leaf_as_mid;
  std::shared_ptr<Circle> exact;  // written before the shared_ptr<Shape> to the same circle
  std::shared_ptr<Shape> as_shape;
};

struct SharedShapes {
  std::shared_ptr<Shape> a;
  std::shared_ptr<Shape> b;
  std::shared_ptr<Circle> exact;
};

struct ValueOwned {
  std::vector<Circle> circles;
  std::vector<Square> squares;
  std::vector<Badge> badges;  // Shape is not at the start of a Badge
  std::vector<Shape*> refs;
};

}  // namespace respawn_test

namespace rt = respawn_test;

template <>
struct respawn::policy<rt::Shape> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Shape::name, "name"));
};
template <>
struct respawn::policy<rt::Circle> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Shape>(), respawn::serialize(&rt::Circle::radius, "radius"));
};
template <>
struct respawn::policy<rt::Square> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Shape>(), respawn::serialize(&rt::Square::side, "side"),
                      respawn::serialize(&rt::Square::neighbour, "neighbour"));
};
template <>
struct respawn::policy<rt::Tagged> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Tagged::tag, "tag"));
};
template <>
struct respawn::policy<rt::Badge> {
  static constexpr auto fields = respawn::fields(respawn::base<rt::Tagged>(), respawn::base<rt::Shape>(),
                                                 respawn::serialize(&rt::Badge::text, "text"));
};
template <>
struct respawn::policy<rt::Base> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Base::base_value, "base_value"));
};
template <>
struct respawn::policy<rt::Mid> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Base>(), respawn::serialize(&rt::Mid::mid_value, "mid_value"));
};
template <>
struct respawn::policy<rt::Leaf> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Mid>(), respawn::serialize(&rt::Leaf::leaf_values, "leaf_values"),
                      respawn::serialize(&rt::Leaf::peer, "peer"));
};
template <>
struct respawn::policy<rt::Drawing> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Drawing::shapes, "shapes"),
                                                 respawn::serialize(&rt::Drawing::selection, "selection"),
                                                 respawn::serialize(&rt::Drawing::focus, "focus"));
};
template <>
struct respawn::policy<rt::Hierarchy> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Hierarchy::objects, "objects"),
                                                 respawn::serialize(&rt::Hierarchy::first_leaf, "first_leaf"),
                                                 respawn::serialize(&rt::Hierarchy::as_mid, "as_mid"));
};
template <>
struct respawn::policy<rt::MidOwners> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::MidOwners::leaf_as_mid, "leaf_as_mid"),
                      respawn::serialize(&rt::MidOwners::exact, "exact"),
                      respawn::serialize(&rt::MidOwners::as_shape, "as_shape"));
};
template <>
struct respawn::policy<rt::SharedShapes> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::SharedShapes::a, "a"),
                                                 respawn::serialize(&rt::SharedShapes::b, "b"),
                                                 respawn::serialize(&rt::SharedShapes::exact, "exact"));
};
template <>
struct respawn::policy<rt::ValueOwned> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::ValueOwned::circles, "circles"),
                                                 respawn::serialize(&rt::ValueOwned::squares, "squares"),
                                                 respawn::serialize(&rt::ValueOwned::badges, "badges"),
                                                 respawn::serialize(&rt::ValueOwned::refs, "refs"));
};

RESPAWN_REGISTER(respawn_test::Circle, "test.circle")
RESPAWN_REGISTER(respawn_test::Square, "test.square")
RESPAWN_REGISTER(respawn_test::Badge, "test.badge")
RESPAWN_REGISTER(respawn_test::Mid, "test.mid")
RESPAWN_REGISTER(respawn_test::Leaf, "test.leaf")

namespace respawn_test {
namespace {

std::unique_ptr<Circle> MakeCircle(const std::string& name, double radius) {
  auto circle = std::make_unique<Circle>();
  circle->name = name;
  circle->radius = radius;
  return circle;
}

std::unique_ptr<Square> MakeSquare(const std::string& name, int side) {
  auto square = std::make_unique<Square>();
  square->name = name;
  square->side = side;
  return square;
}

TEST(PolymorphicTest, VectorOfUniquePtrsToBaseRestoresDerivedObjects) {
  Drawing original;
  original.shapes.push_back(MakeCircle("c1", 1.5));
  original.shapes.push_back(MakeSquare("s1", 4));
  original.shapes.push_back(nullptr);
  original.shapes.push_back(MakeCircle("c2", 2.5));
  auto badge = std::make_unique<Badge>();
  badge->name = "b1";
  badge->tag = 77;
  badge->text = "badge text";
  original.shapes.push_back(std::move(badge));
  static_cast<Square&>(*original.shapes[1]).neighbour = original.shapes[4].get();
  original.selection = {original.shapes[3].get(), original.shapes[1].get(), original.shapes[4].get(),
                        original.shapes[0].get(), nullptr};
  original.focus = original.shapes[4].get();

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  const auto& shapes = loaded->shapes;
  ASSERT_EQ(shapes.size(), 5u);
  ASSERT_NE(shapes[0], nullptr);
  ASSERT_NE(shapes[1], nullptr);
  EXPECT_EQ(shapes[2], nullptr);
  ASSERT_NE(shapes[3], nullptr);
  ASSERT_NE(shapes[4], nullptr);

  const auto* c1 = dynamic_cast<const Circle*>(shapes[0].get());
  const auto* s1 = dynamic_cast<const Square*>(shapes[1].get());
  const auto* c2 = dynamic_cast<const Circle*>(shapes[3].get());
  const auto* b1 = dynamic_cast<const Badge*>(shapes[4].get());
  ASSERT_NE(c1, nullptr) << shapes[0]->kind();
  ASSERT_NE(s1, nullptr) << shapes[1]->kind();
  ASSERT_NE(c2, nullptr) << shapes[3]->kind();
  ASSERT_NE(b1, nullptr) << shapes[4]->kind();
  EXPECT_EQ(c1->name, "c1");
  EXPECT_EQ(c1->radius, 1.5);
  EXPECT_EQ(s1->name, "s1");
  EXPECT_EQ(s1->side, 4);
  EXPECT_EQ(c2->radius, 2.5);
  EXPECT_EQ(b1->name, "b1");
  EXPECT_EQ(b1->tag, 77);
  EXPECT_EQ(b1->text, "badge text");

  // Raw Shape* point to the Shape part of the restored objects, also where it
  // is not at the start of the object (Badge).
  EXPECT_EQ(s1->neighbour, shapes[4].get());
  ASSERT_EQ(loaded->selection.size(), 5u);
  EXPECT_EQ(loaded->selection[0], shapes[3].get());
  EXPECT_EQ(loaded->selection[1], shapes[1].get());
  EXPECT_EQ(loaded->selection[2], shapes[4].get());
  EXPECT_EQ(loaded->selection[3], shapes[0].get());
  EXPECT_EQ(loaded->selection[4], nullptr);
  EXPECT_EQ(loaded->focus, static_cast<const Shape*>(b1));
}

TEST(PolymorphicTest, TwoLevelHierarchyLoadsThroughBasePointers) {
  Hierarchy original;
  auto leaf = std::make_unique<Leaf>();
  leaf->base_value = 1;
  leaf->mid_value = "leaf's mid";
  leaf->leaf_values = {1, 2, 3};
  auto mid = std::make_unique<Mid>();
  mid->base_value = 2;
  mid->mid_value = "plain mid";
  auto base = std::make_unique<Base>();
  base->base_value = 3;
  leaf->peer = mid.get();
  Leaf* leaf_raw = leaf.get();
  original.objects.push_back(std::move(leaf));
  original.objects.push_back(std::move(mid));
  original.objects.push_back(std::move(base));
  original.first_leaf = leaf_raw;
  original.as_mid = leaf_raw;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->objects.size(), 3u);
  const auto* l = dynamic_cast<const Leaf*>(loaded->objects[0].get());
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->base_value, 1);
  EXPECT_EQ(l->mid_value, "leaf's mid");
  EXPECT_EQ(l->leaf_values, (std::vector<int>{1, 2, 3}));
  const auto* m = dynamic_cast<const Mid*>(loaded->objects[1].get());
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(dynamic_cast<const Leaf*>(m), nullptr);
  EXPECT_EQ(m->base_value, 2);
  EXPECT_EQ(m->mid_value, "plain mid");
  const Base* b = loaded->objects[2].get();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(dynamic_cast<const Mid*>(b), nullptr);
  EXPECT_EQ(b->base_value, 3);

  EXPECT_EQ(l->peer, loaded->objects[1].get());
  EXPECT_EQ(loaded->first_leaf, loaded->objects[0].get());
  EXPECT_EQ(loaded->as_mid, static_cast<const Mid*>(l));
}

TEST(PolymorphicTest, SharedPtrToBaseOfDerivedObjectKeepsTypeAndSharing) {
  SharedShapes original;
  auto circle = std::make_shared<Circle>();
  circle->name = "shared circle";
  circle->radius = 3;
  original.a = circle;
  original.b = circle;
  original.exact = circle;
  circle.reset();

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(loaded->a, nullptr);
  const auto* c = dynamic_cast<const Circle*>(loaded->a.get());
  ASSERT_NE(c, nullptr) << loaded->a->kind();
  EXPECT_EQ(c->radius, 3);
  EXPECT_EQ(c->name, "shared circle");
  EXPECT_EQ(loaded->b, loaded->a);
  EXPECT_EQ(loaded->exact.get(), c);
  EXPECT_EQ(loaded->a.use_count(), 3);
  EXPECT_TRUE(!loaded->a.owner_before(loaded->exact) && !loaded->exact.owner_before(loaded->a));
}

TEST(PolymorphicTest, SharedPtrToExactTypeFirstThenToBase) {
  SharedShapes original;
  auto square = std::make_shared<Square>();
  square->side = 9;
  original.b = square;
  auto circle = std::make_shared<Circle>();
  circle->radius = 4;
  original.exact = circle;
  original.a = nullptr;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->a, nullptr);
  const auto* s = dynamic_cast<const Square*>(loaded->b.get());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->side, 9);
  ASSERT_NE(loaded->exact, nullptr);
  EXPECT_EQ(loaded->exact->radius, 4);
}

TEST(PolymorphicTest, PointerToAnIntermediateBaseAndExactTypeFirst) {
  MidOwners original;
  auto leaf = std::make_unique<Leaf>();
  leaf->base_value = 4;
  leaf->mid_value = "through Mid";
  leaf->leaf_values = {9};
  original.leaf_as_mid = std::move(leaf);
  original.exact = std::make_shared<Circle>();
  original.exact->radius = 0.5;
  original.as_shape = original.exact;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  const auto* leaf_loaded = dynamic_cast<const Leaf*>(loaded->leaf_as_mid.get());
  ASSERT_NE(leaf_loaded, nullptr);
  EXPECT_EQ(leaf_loaded->base_value, 4);
  EXPECT_EQ(leaf_loaded->mid_value, "through Mid");
  EXPECT_EQ(leaf_loaded->leaf_values, std::vector<int>{9});
  ASSERT_NE(loaded->exact, nullptr);
  EXPECT_EQ(loaded->as_shape.get(), static_cast<Shape*>(loaded->exact.get()));
  EXPECT_EQ(loaded->exact.use_count(), 2);
  EXPECT_EQ(loaded->exact->radius, 0.5);
}

TEST(PolymorphicTest, RawBasePointersIntoDerivedObjectsHeldByValue) {
  ValueOwned original;
  original.circles.resize(2);
  original.circles[0].name = "by value 0";
  original.circles[1].radius = 8;
  original.squares.resize(1);
  original.squares[0].side = 6;
  original.squares[0].neighbour = &original.circles[1];
  original.badges.resize(2);
  original.badges[1].text = "second badge";
  original.badges[1].tag = 5;
  original.refs = {&original.circles[1], &original.squares[0], &original.circles[0], &original.badges[1]};

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->refs.size(), 4u);
  EXPECT_EQ(loaded->refs[0], &loaded->circles[1]);
  EXPECT_EQ(loaded->refs[1], &loaded->squares[0]);
  EXPECT_EQ(loaded->refs[2], &loaded->circles[0]);
  ASSERT_EQ(loaded->badges.size(), 2u);
  EXPECT_EQ(loaded->refs[3], static_cast<Shape*>(&loaded->badges[1]));
  EXPECT_EQ(loaded->badges[1].text, "second badge");
  EXPECT_EQ(loaded->badges[1].tag, 5);
  EXPECT_EQ(loaded->squares[0].neighbour, &loaded->circles[1]);
  EXPECT_EQ(loaded->circles[1].radius, 8);
  EXPECT_EQ(loaded->refs[2]->name, "by value 0");
}

}  // namespace
}  // namespace respawn_test
