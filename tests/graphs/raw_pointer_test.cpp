// Raw, non-owning pointers keep the graph's shape: two pointers to one object
// restore as two pointers to one object, null stays null, an object may point
// to itself, and pointers into objects owned by value (in any container, in
// a member, the root itself) point into the restored owners.
#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "graphs/graph_test_util.hpp"
#include "respawn/respawn.hpp"

namespace respawn_test {
namespace {

struct Item {
  int id = 0;
  std::string name;
  friend bool operator<(const Item& a, const Item& b) { return a.id < b.id; }
};

struct Pair {
  std::vector<Item> items;
  Item* first = nullptr;
  Item* second = nullptr;
  Item* nothing = nullptr;
};

struct Index {
  std::vector<Item> items;  // the owner, written first
  std::vector<Item*> refs;
};

struct Node {
  int id = 0;
  Node* self = nullptr;
  Node* other = nullptr;
};

struct SelfRoot {
  std::string label;
  SelfRoot* self = nullptr;
  std::vector<Node> nodes;
};

struct Outer {
  int tag = 0;
  Item inner;
};

struct Members {
  std::vector<Outer> outers;
  Item* into_member = nullptr;
};

// One Item owned by value in each kind of container, then pointers to them.
struct Everywhere {
  std::vector<Item> vector;
  std::deque<Item> deque;
  std::list<Item> list;
  std::forward_list<Item> forward_list;
  std::map<int, Item> map;
  std::unordered_map<std::string, Item> unordered_map;
  std::set<Item> set;
  std::optional<Item> optional;
  std::array<Item, 2> array;
  std::variant<int, Item> variant;
  std::pair<int, Item> pair;
  std::unique_ptr<Item> unique;
  Item member;
  std::vector<Item*> refs;
};

// A set element that points into itself.
struct Keyed {
  int key = 0;
  Item item;
  Item* mine = nullptr;  // &item
  friend bool operator<(const Keyed& a, const Keyed& b) { return a.key < b.key; }
};

struct KeyedSet {
  std::set<Keyed> keyed;
  std::vector<Item*> refs;  // written after the set
};

}  // namespace
}  // namespace respawn_test

namespace rt = respawn_test;

template <>
struct respawn::policy<rt::Item> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Item::id, "id"), respawn::serialize(&rt::Item::name, "name"));
};
template <>
struct respawn::policy<rt::Pair> {
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&rt::Pair::items, "items"), respawn::serialize(&rt::Pair::first, "first"),
      respawn::serialize(&rt::Pair::second, "second"), respawn::serialize(&rt::Pair::nothing, "nothing"));
};
template <>
struct respawn::policy<rt::Index> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Index::items, "items"),
                                                 respawn::serialize(&rt::Index::refs, "refs"));
};
template <>
struct respawn::policy<rt::Node> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Node::id, "id"), respawn::serialize(&rt::Node::self, "self"),
                      respawn::serialize(&rt::Node::other, "other"));
};
template <>
struct respawn::policy<rt::SelfRoot> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::SelfRoot::label, "label"),
                                                 respawn::serialize(&rt::SelfRoot::self, "self"),
                                                 respawn::serialize(&rt::SelfRoot::nodes, "nodes"));
};
template <>
struct respawn::policy<rt::Outer> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Outer::tag, "tag"),
                                                 respawn::serialize(&rt::Outer::inner, "inner"));
};
template <>
struct respawn::policy<rt::Members> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Members::outers, "outers"),
                      respawn::serialize(&rt::Members::into_member, "into_member"));
};
template <>
struct respawn::policy<rt::Keyed> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::Keyed::key, "key"),
                                                 respawn::serialize(&rt::Keyed::item, "item"),
                                                 respawn::serialize(&rt::Keyed::mine, "mine"));
};
template <>
struct respawn::policy<rt::KeyedSet> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&rt::KeyedSet::keyed, "keyed"),
                                                 respawn::serialize(&rt::KeyedSet::refs, "refs"));
};
template <>
struct respawn::policy<rt::Everywhere> {
  using T = rt::Everywhere;
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&T::vector, "vector"), respawn::serialize(&T::deque, "deque"),
      respawn::serialize(&T::list, "list"), respawn::serialize(&T::forward_list, "forward_list"),
      respawn::serialize(&T::map, "map"), respawn::serialize(&T::unordered_map, "unordered_map"),
      respawn::serialize(&T::set, "set"), respawn::serialize(&T::optional, "optional"),
      respawn::serialize(&T::array, "array"), respawn::serialize(&T::variant, "variant"),
      respawn::serialize(&T::pair, "pair"), respawn::serialize(&T::unique, "unique"),
      respawn::serialize(&T::member, "member"), respawn::serialize(&T::refs, "refs"));
};

namespace respawn_test {
namespace {

TEST(RawPointerTest, TwoPointersToOneObjectRestoreAsOne) {
  Pair original;
  original.items = {{1, "one"}, {2, "two"}, {3, "three"}};
  original.first = &original.items[1];
  original.second = &original.items[1];

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->items.size(), 3u);
  EXPECT_EQ(loaded->first, &loaded->items[1]);
  EXPECT_EQ(loaded->second, loaded->first);
  EXPECT_EQ(loaded->first->name, "two");
  EXPECT_EQ(loaded->nothing, nullptr);
}

TEST(RawPointerTest, PointersIntoAVectorOwnedByValuePointIntoTheRestoredVector) {
  Index original;
  for (int i = 0; i < 50; ++i) original.items.push_back({i, "item " + std::to_string(i)});
  const std::vector<int> targets{7, 0, 49, 7, 13, -1, 25, 0, 7};
  for (const int target : targets) original.refs.push_back(target < 0 ? nullptr : &original.items[target]);

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->items.size(), 50u);
  ASSERT_EQ(loaded->refs.size(), targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] < 0) {
      EXPECT_EQ(loaded->refs[i], nullptr) << i;
    } else {
      EXPECT_EQ(loaded->refs[i], &loaded->items[targets[i]]) << i;
      EXPECT_EQ(loaded->refs[i]->id, targets[i]);
    }
  }
}

TEST(RawPointerTest, NullPointersStayNull) {
  Index original;
  original.items = {{1, "only"}};
  original.refs = {nullptr, nullptr, &original.items[0], nullptr};
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->refs.size(), 4u);
  EXPECT_EQ(loaded->refs[0], nullptr);
  EXPECT_EQ(loaded->refs[1], nullptr);
  EXPECT_EQ(loaded->refs[2], &loaded->items[0]);
  EXPECT_EQ(loaded->refs[3], nullptr);
}

TEST(RawPointerTest, SelfLoopsAndBackwardPointersInsideAVector) {
  SelfRoot original;
  original.label = "root";
  original.self = &original;
  original.nodes.resize(4);
  for (int i = 0; i < 4; ++i) {
    original.nodes[i].id = i;
    original.nodes[i].self = &original.nodes[i];
    original.nodes[i].other =
        i == 0 ? nullptr : &original.nodes[i - 1];  // only earlier nodes: owners come first
  }

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->self, loaded.get());
  ASSERT_EQ(loaded->nodes.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(loaded->nodes[i].id, i);
    EXPECT_EQ(loaded->nodes[i].self, &loaded->nodes[i]);
    EXPECT_EQ(loaded->nodes[i].other, i == 0 ? nullptr : &loaded->nodes[i - 1]);
  }
}

TEST(RawPointerTest, PointerToAMemberOfAnElementPointsIntoTheRestoredElement) {
  Members original;
  original.outers = {{1, {10, "ten"}}, {2, {20, "twenty"}}};
  original.into_member = &original.outers[1].inner;
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->outers.size(), 2u);
  EXPECT_EQ(loaded->into_member, &loaded->outers[1].inner);
  EXPECT_EQ(loaded->into_member->name, "twenty");
}

TEST(RawPointerTest, PointersIntoEveryKindOfOwnerPointIntoTheRestoredOwners) {
  Everywhere original;
  original.vector = {{0, "vector a"}, {1, "vector b"}};
  original.deque = {{2, "deque"}};
  original.list = {{3, "list a"}, {4, "list b"}};
  original.forward_list = {{5, "forward_list"}};
  original.map = {{1, {6, "map a"}}, {2, {7, "map b"}}};
  original.unordered_map = {{"x", {8, "unordered_map"}}};
  original.set = {{10, "set a"}, {9, "set b"}};
  original.optional = Item{11, "optional"};
  original.array = {Item{12, "array a"}, Item{13, "array b"}};
  original.variant = Item{14, "variant"};
  original.pair = {1, Item{15, "pair"}};
  original.unique = std::make_unique<Item>(Item{16, "unique"});
  original.member = {17, "member"};
  original.refs = {&original.vector[1],
                   &original.deque[0],
                   &*std::next(original.list.begin()),
                   &original.forward_list.front(),
                   &original.map.at(2),
                   &original.unordered_map.at("x"),
                   const_cast<Item*>(&*original.set.begin()),
                   const_cast<Item*>(&*original.set.rbegin()),
                   &*original.optional,
                   &original.array[1],
                   &std::get<Item>(original.variant),
                   &original.pair.second,
                   original.unique.get(),
                   &original.member};

  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  const Everywhere& l = *loaded;
  ASSERT_EQ(l.refs.size(), 14u);
  const std::vector<const Item*> expected{&l.vector.at(1),
                                          &l.deque.at(0),
                                          &*std::next(l.list.begin()),
                                          &l.forward_list.front(),
                                          &l.map.at(2),
                                          &l.unordered_map.at("x"),
                                          &*l.set.begin(),
                                          &*l.set.rbegin(),
                                          &*l.optional,
                                          &l.array[1],
                                          &std::get<Item>(l.variant),
                                          &l.pair.second,
                                          l.unique.get(),
                                          &l.member};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(l.refs[i], expected[i]) << "refs[" << i << "] points elsewhere than its owner"
                                      << (l.refs[i] != nullptr ? " (at \"" + l.refs[i]->name + "\")" : "");
    EXPECT_EQ(l.refs[i]->name, original.refs[i]->name) << i;
  }
}

KeyedSet MakeKeyedSet() {
  KeyedSet original;
  for (int key = 0; key < 3; ++key) {
    const auto [it, inserted] =
        original.keyed.insert(Keyed{key, Item{key * 10, "in key " + std::to_string(key)}});
    auto& element = const_cast<Keyed&>(*it);
    element.mine = &element.item;
    original.refs.push_back(&element.item);
  }
  return original;
}

TEST(RawPointerTest, PointersWrittenAfterASetPointIntoItsElements) {
  const KeyedSet original = MakeKeyedSet();
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->keyed.size(), 3u);
  ASSERT_EQ(loaded->refs.size(), 3u);
  std::size_t i = 0;
  for (const Keyed& element : loaded->keyed) {
    EXPECT_EQ(loaded->refs[i], &element.item) << i;
    EXPECT_EQ(loaded->refs[i]->id, element.key * 10);
    ++i;
  }
}

TEST(RawPointerTest, PointerInsideASetElementToItselfFollowsItIntoTheSet) {
  const KeyedSet original = MakeKeyedSet();
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->keyed.size(), 3u);
  for (const Keyed& element : loaded->keyed) {
    EXPECT_EQ(element.mine, &element.item) << "element " << element.key;
  }
}

TEST(RawPointerTest, ManyPointersToEachElementOfALargeVector) {
  Index original;
  for (int i = 0; i < 3000; ++i) original.items.push_back({i, std::to_string(i)});
  for (int round = 0; round < 3; ++round) {
    for (int i = 2999; i >= 0; i -= 7) original.refs.push_back(&original.items[i]);
  }
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->refs.size(), original.refs.size());
  for (std::size_t i = 0; i < original.refs.size(); ++i) {
    const auto index = original.refs[i] - original.items.data();
    ASSERT_EQ(loaded->refs[i], &loaded->items[index]) << i;
  }
}

}  // namespace
}  // namespace respawn_test
