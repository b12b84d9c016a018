// after_restore hooks see the final address of every restored object: values
// are loaded in place in vectors and map values, and objects moved into a set
// (or a map key) are followed to where they end up.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <forward_list>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

// A policy struct whose after_restore hook records the address it runs on and
// marks the object, so a hook that ran on a temporary leaves the real object
// unmarked.
struct Tracked {
  int id = 0;
  std::string name;
  bool hooked = false;  // excluded: only the hook sets it

  friend bool operator<(const Tracked& a, const Tracked& b) { return a.id < b.id; }
  friend bool operator==(const Tracked& a, const Tracked& b) { return a.id == b.id && a.name == b.name; }
};

struct TrackedHash {
  std::size_t operator()(const Tracked& t) const noexcept { return std::hash<int>{}(t.id); }
};

struct HookCall {
  const Tracked* address;
  int id;
  std::string name;
};

std::vector<HookCall>& HookCalls() {
  static std::vector<HookCall> calls;
  return calls;
}

// A set key holding a Tracked inline, so the Tracked moves with the key.
struct Outer {
  int key = 0;
  Tracked inner;
  std::array<Tracked, 2> pair;
  friend bool operator<(const Outer& a, const Outer& b) { return a.key < b.key; }
};

}  // namespace
}  // namespace respawn_test

template <>
struct respawn::policy<respawn_test::Tracked> {
  using T = respawn_test::Tracked;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&T::id, "id"), respawn::serialize(&T::name, "name"),
                      respawn::exclude(&T::hooked, "hooked"));
  static void after_restore(T& t, respawn::restore_context&) {
    respawn_test::HookCalls().push_back({&t, t.id, t.name});
    t.hooked = true;
  }
};

template <>
struct respawn::policy<respawn_test::Outer> {
  using T = respawn_test::Outer;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&T::key, "key"), respawn::serialize(&T::inner, "inner"),
                      respawn::serialize(&T::pair, "pair"));
};

namespace respawn_test {
namespace {

Tracked Make(int id) { return Tracked{id, "tracked #" + std::to_string(id)}; }

// Loads `original` and checks that the hooks ran exactly once on each Tracked
// the restored container holds (as `each` visits them), at its final address,
// and after its fields were restored.
template <class C, class ForEach>
void ExpectHooksSeeFinalAddresses(const C& original, std::size_t expected_count, ForEach each) {
  HookCalls().clear();
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(*loaded == original);
  std::size_t visited = 0;
  each(*loaded, [&](const Tracked& t) {
    ++visited;
    EXPECT_TRUE(t.hooked) << "the hook did not run on the restored object #" << t.id;
    std::size_t calls = 0;
    for (const HookCall& call : HookCalls()) {
      if (call.address == &t) {
        ++calls;
        EXPECT_EQ(call.id, t.id);
        EXPECT_EQ(call.name, t.name);
      }
    }
    EXPECT_EQ(calls, 1u) << "hook calls at the address of object #" << t.id;
  });
  EXPECT_EQ(visited, expected_count);
  EXPECT_EQ(HookCalls().size(), expected_count);
}

constexpr auto kEachValue = [](const auto& container, const auto& check) {
  for (const auto& element : container) check(element);
};
constexpr auto kEachMapped = [](const auto& map, const auto& check) {
  for (const auto& [key, value] : map) check(value);
};

TEST(AfterRestoreAddressTest, VectorOfPolicyStructs) {
  const std::vector<Tracked> original{Make(1), Make(2), Make(3), Make(4)};
  ExpectHooksSeeFinalAddresses(original, 4, kEachValue);
}

TEST(AfterRestoreAddressTest, NestedVectorsOfPolicyStructs) {
  const std::vector<std::vector<Tracked>> original{{Make(1), Make(2)}, {}, {Make(3)}};
  ExpectHooksSeeFinalAddresses(original, 3, [](const auto& outer, const auto& check) {
    for (const auto& inner : outer) {
      for (const Tracked& t : inner) check(t);
    }
  });
}

TEST(AfterRestoreAddressTest, MapValues) {
  const std::map<int, Tracked> original{{10, Make(1)}, {-5, Make(2)}, {7, Make(3)}};
  ExpectHooksSeeFinalAddresses(original, 3, kEachMapped);
}

TEST(AfterRestoreAddressTest, MapValuesUnderStringKeys) {
  const std::map<std::string, Tracked> original{{"a", Make(1)}, {"b", Make(2)}};
  ExpectHooksSeeFinalAddresses(original, 2, kEachMapped);
}

TEST(AfterRestoreAddressTest, MultimapValues) {
  const std::multimap<int, Tracked> original{{1, Make(1)}, {1, Make(2)}, {0, Make(3)}};
  ExpectHooksSeeFinalAddresses(original, 3, kEachMapped);
}

TEST(AfterRestoreAddressTest, UnorderedMapValues) {
  std::unordered_map<int, Tracked> original;
  for (int i = 0; i < 100; ++i) original.emplace(i, Make(i));
  ExpectHooksSeeFinalAddresses(original, 100, kEachMapped);
}

TEST(AfterRestoreAddressTest, MapKeys) {
  const std::map<Tracked, int> original{{Make(3), 30}, {Make(1), 10}, {Make(2), 20}};
  ExpectHooksSeeFinalAddresses(original, 3, [](const auto& map, const auto& check) {
    for (const auto& [key, value] : map) check(key);
  });
}

TEST(AfterRestoreAddressTest, SetElements) {
  const std::set<Tracked> original{Make(5), Make(1), Make(3), Make(2)};
  ExpectHooksSeeFinalAddresses(original, 4, kEachValue);
}

TEST(AfterRestoreAddressTest, MultisetElements) {
  const std::multiset<Tracked> original{Make(1), Make(1), Make(2)};
  ExpectHooksSeeFinalAddresses(original, 3, kEachValue);
}

TEST(AfterRestoreAddressTest, UnorderedSetElements) {
  std::unordered_set<Tracked, TrackedHash> original;
  for (int i = 0; i < 50; ++i) original.insert(Make(i));
  ExpectHooksSeeFinalAddresses(original, 50, kEachValue);
}

TEST(AfterRestoreAddressTest, ObjectsInsideSetKeysMoveWithTheKey) {
  std::set<Outer> original;
  for (int key = 0; key < 3; ++key) {
    original.insert(Outer{key, Make(key * 10), {Make(key * 10 + 1), Make(key * 10 + 2)}});
  }
  HookCalls().clear();
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->size(), 3u);
  std::vector<const Tracked*> expected;
  for (const Outer& outer : *loaded) {
    EXPECT_TRUE(outer.inner.hooked);
    EXPECT_TRUE(outer.pair[0].hooked);
    EXPECT_TRUE(outer.pair[1].hooked);
    EXPECT_EQ(outer.pair[1].id, outer.key * 10 + 2);
    expected.push_back(&outer.inner);
    expected.push_back(&outer.pair[0]);
    expected.push_back(&outer.pair[1]);
  }
  std::vector<const Tracked*> seen;
  for (const HookCall& call : HookCalls()) seen.push_back(call.address);
  std::sort(expected.begin(), expected.end());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, expected);
}

TEST(AfterRestoreAddressTest, DequeListAndForwardListElements) {
  ExpectHooksSeeFinalAddresses(std::deque<Tracked>{Make(1), Make(2), Make(3)}, 3, kEachValue);
  ExpectHooksSeeFinalAddresses(std::list<Tracked>{Make(1), Make(2)}, 2, kEachValue);
  ExpectHooksSeeFinalAddresses(std::forward_list<Tracked>{Make(1), Make(2)}, 2, kEachValue);
}

TEST(AfterRestoreAddressTest, OptionalArrayAndPairMembers) {
  ExpectHooksSeeFinalAddresses(std::optional<Tracked>(Make(1)), 1,
                               [](const auto& optional, const auto& check) { check(*optional); });
  ExpectHooksSeeFinalAddresses(std::array<Tracked, 3>{Make(1), Make(2), Make(3)}, 3, kEachValue);
  ExpectHooksSeeFinalAddresses(std::pair<Tracked, Tracked>(Make(1), Make(2)), 2,
                               [](const auto& pair, const auto& check) {
                                 check(pair.first);
                                 check(pair.second);
                               });
}

TEST(AfterRestoreAddressTest, RootObjectHookSeesTheReturnedRoot) {
  HookCalls().clear();
  const auto loaded = RoundTrip(Make(42));
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(HookCalls().size(), 1u);
  EXPECT_EQ(HookCalls()[0].address, loaded.get());
  EXPECT_TRUE(loaded->hooked);
}

}  // namespace
}  // namespace respawn_test
