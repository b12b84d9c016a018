// std::shared_ptr keeps its aliasing: shared_ptrs to one object restore
// sharing one object and one control block (same use_count), distinct objects
// stay distinct, cycles broken by raw back pointers restore, and raw pointers
// may point to objects a shared_ptr owns.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graphs/graph_test_util.hpp"
#include "respawn/respawn.hpp"

namespace respawn_test {
namespace {

struct Item {
  int id = 0;
  std::string name;
  LiveCounter live;
};

// Whether two shared_ptrs share one control block.
template <class T, class U>
bool SameOwner(const std::shared_ptr<T>& a, const std::shared_ptr<U>& b) {
  return !a.owner_before(b) && !b.owner_before(a);
}

struct Three {
  std::shared_ptr<Item> a;
  std::shared_ptr<Item> b;
  std::shared_ptr<Item> c;
};

struct Pool {
  std::vector<std::shared_ptr<Item>> items;
  std::map<std::string, std::shared_ptr<Item>> by_name;
  Item* raw = nullptr;
};

struct Child;

struct Parent {
  std::string name;
  std::vector<std::shared_ptr<Child>> children;
};

struct Child {
  int id = 0;
  Parent* parent = nullptr;        // breaks the cycle
  std::shared_ptr<Child> sibling;  // children share each other too
};

struct Family {
  std::shared_ptr<Parent> parent;
  std::shared_ptr<Parent> same_parent;
};

struct RawFirst {
  Item* raw = nullptr;  // written before the shared_ptr that owns its target
  std::shared_ptr<Item> owner;
};

}  // namespace
}  // namespace respawn_test

namespace rt = respawn_test;

template <>
struct respawn::policy<rt::Item> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Item::id, "id"), respawn::serialize(&rt::Item::name, "name"),
                      respawn::exclude(&rt::Item::live, "live"));
};
template <>
struct respawn::policy<rt::Three> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Three::a, "a"), respawn::serialize(&rt::Three::b, "b"),
                      respawn::serialize(&rt::Three::c, "c"));
};
template <>
struct respawn::policy<rt::Pool> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Pool::items, "items"),
                                                 respawn::serialize(&rt::Pool::by_name, "by_name"),
                                                 respawn::serialize(&rt::Pool::raw, "raw"));
};
template <>
struct respawn::policy<rt::Parent> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Parent::name, "name"),
                                                 respawn::serialize(&rt::Parent::children, "children"));
};
template <>
struct respawn::policy<rt::Child> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Child::id, "id"),
                                                 respawn::serialize(&rt::Child::parent, "parent"),
                                                 respawn::serialize(&rt::Child::sibling, "sibling"));
};
template <>
struct respawn::policy<rt::Family> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Family::parent, "parent"),
                                                 respawn::serialize(&rt::Family::same_parent, "same_parent"));
};
template <>
struct respawn::policy<rt::RawFirst> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::RawFirst::raw, "raw"),
                                                 respawn::serialize(&rt::RawFirst::owner, "owner"));
};

namespace respawn_test {
namespace {

TEST(SharedPtrGraphTest, ThreeSharedPtrsToOneObjectShareOneControlBlock) {
  Three original;
  original.a = std::make_shared<Item>(Item{1, "shared"});
  original.b = original.a;
  original.c = original.a;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(loaded->a, nullptr);
  EXPECT_EQ(loaded->a.get(), loaded->b.get());
  EXPECT_EQ(loaded->a.get(), loaded->c.get());
  EXPECT_TRUE(SameOwner(loaded->a, loaded->b));
  EXPECT_TRUE(SameOwner(loaded->a, loaded->c));
  EXPECT_EQ(loaded->a.use_count(), 3);
  EXPECT_EQ(loaded->a->name, "shared");
}

TEST(SharedPtrGraphTest, DistinctObjectsStayDistinct) {
  Three original;
  original.a = std::make_shared<Item>(Item{1, "same text"});
  original.b = std::make_shared<Item>(Item{1, "same text"});
  original.c = original.b;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_NE(loaded->a.get(), loaded->b.get());
  EXPECT_FALSE(SameOwner(loaded->a, loaded->b));
  EXPECT_EQ(loaded->b.get(), loaded->c.get());
  EXPECT_EQ(loaded->a.use_count(), 1);
  EXPECT_EQ(loaded->b.use_count(), 2);
}

TEST(SharedPtrGraphTest, UseCountsInContainersMatchTheOriginal) {
  Pool original;
  auto x = std::make_shared<Item>(Item{1, "x"});
  auto y = std::make_shared<Item>(Item{2, "y"});
  original.items = {x, y, x, nullptr, x};
  original.by_name = {{"x", x}, {"y", y}, {"none", nullptr}};
  original.raw = y.get();
  x.reset();
  y.reset();

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->items.size(), 5u);
  const auto& lx = loaded->items[0];
  const auto& ly = loaded->items[1];
  ASSERT_NE(lx, nullptr);
  ASSERT_NE(ly, nullptr);
  EXPECT_EQ(loaded->items[2], lx);
  EXPECT_EQ(loaded->items[3], nullptr);
  EXPECT_EQ(loaded->items[4], lx);
  EXPECT_EQ(loaded->by_name.at("x"), lx);
  EXPECT_EQ(loaded->by_name.at("y"), ly);
  EXPECT_EQ(loaded->by_name.at("none"), nullptr);
  EXPECT_EQ(lx.use_count(), 4);
  EXPECT_EQ(ly.use_count(), 2);
  EXPECT_EQ(loaded->raw, ly.get());
  EXPECT_EQ(lx->name, "x");
  EXPECT_EQ(ly->name, "y");
}

TEST(SharedPtrGraphTest, CycleBrokenByRawBackPointer) {
  Family original;
  original.parent = std::make_shared<Parent>();
  original.parent->name = "parent";
  for (int i = 0; i < 3; ++i) {
    auto child = std::make_shared<Child>();
    child->id = i;
    child->parent = original.parent.get();
    original.parent->children.push_back(child);
  }
  original.parent->children[0]->sibling = original.parent->children[2];
  original.parent->children[2]->sibling = original.parent->children[1];
  original.same_parent = original.parent;

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  const auto& parent = loaded->parent;
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(loaded->same_parent, parent);
  EXPECT_EQ(parent.use_count(), 2);
  ASSERT_EQ(parent->children.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(parent->children[i], nullptr);
    EXPECT_EQ(parent->children[i]->id, i);
    EXPECT_EQ(parent->children[i]->parent, parent.get());
  }
  EXPECT_EQ(parent->children[0]->sibling, parent->children[2]);
  EXPECT_EQ(parent->children[2]->sibling, parent->children[1]);
  EXPECT_EQ(parent->children[1]->sibling, nullptr);
  EXPECT_EQ(parent->children[0].use_count(), 1);
  EXPECT_EQ(parent->children[1].use_count(), 2);
  EXPECT_EQ(parent->children[2].use_count(), 2);
}

TEST(SharedPtrGraphTest, RawPointerWrittenBeforeTheSharedPtrThatOwnsItsTarget) {
  const int live_before = LiveCounter::count();
  {
    RawFirst original;
    original.owner = std::make_shared<Item>(Item{5, "owned by a shared_ptr"});
    original.raw = original.owner.get();

    const auto loaded = RoundTrip(original);
    ASSERT_NE(loaded, nullptr);
    ASSERT_NE(loaded->owner, nullptr);
    EXPECT_EQ(loaded->raw, loaded->owner.get());
    EXPECT_EQ(loaded->owner.use_count(), 1);
    EXPECT_EQ(loaded->owner->name, "owned by a shared_ptr");
  }
  EXPECT_EQ(LiveCounter::count(), live_before) << "restored items leaked or were freed twice";
}

TEST(SharedPtrGraphTest, SharedObjectsOutliveTheRestoredRoot) {
  const int live_before = LiveCounter::count();
  std::shared_ptr<Item> kept;
  {
    Three original;
    original.a = std::make_shared<Item>(Item{9, "kept"});
    original.b = original.a;
    auto loaded = RoundTrip(original);
    ASSERT_NE(loaded, nullptr);
    kept = loaded->b;
    loaded.reset();
    EXPECT_EQ(kept.use_count(), 1);
  }
  EXPECT_EQ(kept->name, "kept");
  EXPECT_EQ(LiveCounter::count(), live_before + 1);
  kept.reset();
  EXPECT_EQ(LiveCounter::count(), live_before);
}

}  // namespace
}  // namespace respawn_test
