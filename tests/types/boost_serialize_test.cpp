// Types without a respawn policy that have a hand-written Boost.Serialization
// function (member serialize, split save/load, or a free serialize) round-trip
// as the root, as a field, as vector elements, and around policy members.
#include <gtest/gtest.h>

#include <boost/serialization/split_member.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

// Member serialize, no policy. (clang-format is off around `ar & ...`, which it
// would format as a declaration of a reference.)
struct Legacy {
  int a = 0;
  std::string b;

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    // clang-format off
    ar & a & b;
    // clang-format on
  }
  friend bool operator==(const Legacy&, const Legacy&) = default;
};

// Member serialize around a member that has a respawn policy.
struct LegacyAroundPolicy {
  double weight = 0;
  Point point;
  std::vector<Point> more;

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    // clang-format off
    ar & weight & point & more;
    // clang-format on
  }
  friend bool operator==(const LegacyAroundPolicy&, const LegacyAroundPolicy&) = default;
};

// Separate save and load members.
class Split {
 public:
  Split() = default;
  explicit Split(std::string text) : text_(std::move(text)) {}
  const std::string& text() const { return text_; }
  friend bool operator==(const Split&, const Split&) = default;

  template <class Archive>
  void save(Archive& ar, unsigned) const {
    const std::size_t length = text_.size();
    ar << length;
    for (const char c : text_) ar << c;
  }
  template <class Archive>
  void load(Archive& ar, unsigned) {
    std::size_t length = 0;
    ar >> length;
    text_.assign(length, '\0');
    for (char& c : text_) ar >> c;
  }
  BOOST_SERIALIZATION_SPLIT_MEMBER()

 private:
  std::string text_;
};

// A free (non-intrusive) serialize function.
struct Foreign {
  long id = 0;
  std::vector<int> values;
  friend bool operator==(const Foreign&, const Foreign&) = default;
};

template <class Archive>
void serialize(Archive& ar, Foreign& foreign, unsigned) {
  // clang-format off
  ar & foreign.id & foreign.values;
  // clang-format on
}

// A Boost-serialized object owned through a unique_ptr, with a raw pointer to it.
struct PointsAtLegacy {
  std::unique_ptr<Legacy> owner;
  Legacy* raw = nullptr;
  std::vector<std::unique_ptr<Legacy>> more;
};

// Raw pointers to policy objects that live inside a Boost-serialized object.
struct PointsIntoLegacy {
  LegacyAroundPolicy legacy;
  Point* into_member = nullptr;
  Point* into_vector = nullptr;
};

struct Modern {
  int before = 0;
  Legacy legacy;
  std::vector<Legacy> many;
  LegacyAroundPolicy mixed;
  Split split;
  std::map<std::string, Foreign> foreign;
  int after = 0;
  friend bool operator==(const Modern&, const Modern&) = default;
};

}  // namespace
}  // namespace respawn_test

template <>
struct respawn::policy<respawn_test::Modern> {
  using T = respawn_test::Modern;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&T::before, "before"), respawn::serialize(&T::legacy, "legacy"),
                      respawn::serialize(&T::many, "many"), respawn::serialize(&T::mixed, "mixed"),
                      respawn::serialize(&T::split, "split"), respawn::serialize(&T::foreign, "foreign"),
                      respawn::serialize(&T::after, "after"));
};

template <>
struct respawn::policy<respawn_test::PointsIntoLegacy> {
  using T = respawn_test::PointsIntoLegacy;
  static constexpr auto fields = respawn::fields(respawn::serialize(&T::legacy, "legacy"),
                                                 respawn::serialize(&T::into_member, "into_member"),
                                                 respawn::serialize(&T::into_vector, "into_vector"));
};
template <>
struct respawn::policy<respawn_test::PointsAtLegacy> {
  using T = respawn_test::PointsAtLegacy;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&T::owner, "owner"), respawn::serialize(&T::raw, "raw"),
                      respawn::serialize(&T::more, "more"));
};

namespace respawn_test {
namespace {

TEST(BoostSerializeTest, MemberSerializeRoundTripsAsRootAndField) {
  ExpectRoundTrips([] { return Legacy{7, "legacy"}; });
  ExpectRoundTrips([] { return Legacy{}; });
}

TEST(BoostSerializeTest, VectorOfBoostTypesRoundTrips) {
  ExpectRoundTrips([] { return std::vector<Legacy>{{1, "one"}, {2, ""}, {-3, "three"}}; });
  ExpectRoundTrips([] { return std::vector<Legacy>(); });
}

TEST(BoostSerializeTest, BoostTypeWithPolicyMembersRoundTrips) {
  ExpectRoundTrips([] { return LegacyAroundPolicy{2.5, {1, 2, "inner"}, {{3, 4, "a"}, {5, 6, "b"}}}; });
  ExpectRoundTrips([] {
    return std::vector<LegacyAroundPolicy>{{1.0, {0, 0, "x"}, {}}, {2.0, {1, 1, "y"}, {{2, 2, "z"}}}};
  });
}

TEST(BoostSerializeTest, SplitSaveLoadRoundTrips) {
  ExpectRoundTrips([] { return Split("split member"); });
  ExpectRoundTrips([] { return Split(); });
}

TEST(BoostSerializeTest, FreeSerializeFunctionRoundTrips) {
  ExpectRoundTrips([] { return Foreign{-9, {1, 2, 3}}; });
}

TEST(BoostSerializeTest, PointersToBoostTypesKeepTheirShape) {
  PointsAtLegacy original;
  original.owner = std::make_unique<Legacy>(Legacy{1, "owned"});
  original.raw = original.owner.get();
  original.more.push_back(std::make_unique<Legacy>(Legacy{2, "more"}));
  original.more.push_back(nullptr);
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_NE(loaded->owner, nullptr);
  EXPECT_EQ(*loaded->owner, (Legacy{1, "owned"}));
  EXPECT_EQ(loaded->raw, loaded->owner.get());
  ASSERT_EQ(loaded->more.size(), 2u);
  ASSERT_NE(loaded->more[0], nullptr);
  EXPECT_EQ(*loaded->more[0], (Legacy{2, "more"}));
  EXPECT_EQ(loaded->more[1], nullptr);
}

TEST(BoostSerializeTest, PointersIntoPolicyMembersOfABoostTypeKeepTheirShape) {
  PointsIntoLegacy original;
  original.legacy = {1.5, {1, 1, "member"}, {{2, 2, "first"}, {3, 3, "second"}}};
  original.into_member = &original.legacy.point;
  original.into_vector = &original.legacy.more[1];
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  ASSERT_EQ(loaded->legacy.more.size(), 2u);
  EXPECT_EQ(loaded->into_member, &loaded->legacy.point);
  EXPECT_EQ(loaded->into_vector, &loaded->legacy.more[1]);
  EXPECT_EQ(loaded->into_vector->label, "second");
}

TEST(BoostSerializeTest, BoostTypesAsFieldsOfAPolicyStructRoundTrip) {
  ExpectRoundTrips([] {
    Modern m;
    m.before = 11;
    m.legacy = {1, "field"};
    m.many = {{2, "element"}, {3, "another"}};
    m.mixed = {0.5, {4, 5, "policy inside boost"}, {{6, 7, "more"}}};
    m.split = Split("split field");
    m.foreign = {{"f", {10, {4, 5}}}, {"g", {11, {}}}};
    m.after = 22;
    return m;
  });
}

}  // namespace
}  // namespace respawn_test
