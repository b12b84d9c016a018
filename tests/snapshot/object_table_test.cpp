// The writer's object table: one entry per (address, type), with the id and
// ownership packed beside the address, through growth and across types.
#include "respawn/detail/object_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace object_table_test {

using respawn::detail::object_table;
using respawn::detail::ownership;

struct Outer {
  int first = 0;  // at the same address as the Outer that holds it
};

TEST(ObjectTableTest, FindsWhatItInserted) {
  object_table table;
  const int object = 0;
  bool inserted = false;
  object_table::entry& first = table.find_or_insert(&object, typeid(int), 7, ownership::unique, inserted);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(first.id(), 7u);
  EXPECT_EQ(first.owner(), ownership::unique);

  object_table::entry& again = table.find_or_insert(&object, typeid(int), 8, ownership::none, inserted);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(again.id(), 7u);  // the first id, not the one offered
  EXPECT_EQ(again.owner(), ownership::unique);
}

TEST(ObjectTableTest, TheLargestIdAndEveryOwnershipSurviveThePacking) {
  object_table table;
  const char objects[4] = {};
  const ownership owners[] = {ownership::none, ownership::value, ownership::unique, ownership::shared};
  bool inserted = false;
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t id = object_table::max_id - static_cast<std::uint64_t>(i);
    table.find_or_insert(&objects[i], typeid(char), id, owners[i], inserted);
  }
  for (int i = 0; i < 4; ++i) {
    const object_table::entry& entry =
        table.find_or_insert(&objects[i], typeid(char), 1, ownership::none, inserted);
    EXPECT_FALSE(inserted);
    EXPECT_EQ(entry.id(), object_table::max_id - static_cast<std::uint64_t>(i));
    EXPECT_EQ(entry.owner(), owners[i]);
  }
}

TEST(ObjectTableTest, SetOwnerKeepsTheId) {
  object_table table;
  const int object = 0;
  bool inserted = false;
  table.find_or_insert(&object, typeid(int), object_table::max_id, ownership::none, inserted)
      .set_owner(ownership::shared);
  const object_table::entry& entry = table.find_or_insert(&object, typeid(int), 1, ownership::none, inserted);
  EXPECT_EQ(entry.id(), object_table::max_id);
  EXPECT_EQ(entry.owner(), ownership::shared);
}

TEST(ObjectTableTest, ObjectsOfDifferentTypesAtOneAddressAreApart) {
  object_table table;
  const Outer outer;
  bool inserted = false;
  table.find_or_insert(&outer, typeid(Outer), 1, ownership::value, inserted);
  table.find_or_insert(&outer.first, typeid(int), 2, ownership::value, inserted);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(table.find_or_insert(&outer, typeid(Outer), 9, ownership::none, inserted).id(), 1u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(table.find_or_insert(&outer.first, typeid(int), 9, ownership::none, inserted).id(), 2u);
  EXPECT_FALSE(inserted);
}

TEST(ObjectTableTest, KeepsEveryEntryAsItGrows) {
  object_table table;
  const std::vector<std::uint64_t> objects(100'000);
  bool inserted = false;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    // Two types alternating, so growth moves entries of both.
    const std::type_info& type = i % 2 == 0 ? typeid(std::uint64_t) : typeid(double);
    table.find_or_insert(&objects[i], type, i + 1, ownership::value, inserted);
    ASSERT_TRUE(inserted) << i;
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const std::type_info& type = i % 2 == 0 ? typeid(std::uint64_t) : typeid(double);
    ASSERT_EQ(table.find_or_insert(&objects[i], type, 0, ownership::none, inserted).id(), i + 1) << i;
    ASSERT_FALSE(inserted) << i;
    // The other type at the same address is a different object.
    const std::type_info& other = i % 2 == 0 ? typeid(double) : typeid(std::uint64_t);
    table.find_or_insert(&objects[i], other, objects.size() + i + 1, ownership::value, inserted);
    ASSERT_TRUE(inserted) << i;
  }
}

}  // namespace object_table_test
