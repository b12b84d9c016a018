// std::variant round-trips with each of its alternatives held, including
// std::monostate, policy structs, and repeated alternative types.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {

// Copying one throws, which leaves a variant emplacing a copy valueless.
struct Throws {
  int value = 0;
  Throws() = default;
  Throws(const Throws&) { throw std::runtime_error("no copies"); }
  Throws& operator=(const Throws&) = default;
};

}  // namespace respawn_test

template <>
struct respawn::policy<respawn_test::Throws> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&respawn_test::Throws::value, "value"));
};

namespace respawn_test {
namespace {

using Value = std::variant<std::monostate, int, std::string, Point, std::vector<int>, double>;

TEST(VariantTest, EachAlternativeRoundTrips) {
  ExpectRoundTrips([] { return Value(); });
  ExpectRoundTrips([] { return Value(std::in_place_index<1>, -12); });
  ExpectRoundTrips([] { return Value(std::in_place_index<2>, "text"); });
  ExpectRoundTrips([] { return Value(std::in_place_index<3>, Point{1, 2, "variant point"}); });
  ExpectRoundTrips([] { return Value(std::in_place_index<4>, std::vector<int>{4, 5}); });
  ExpectRoundTrips([] { return Value(std::in_place_index<5>, -0.25); });
}

TEST(VariantTest, AlternativeIndexIsKeptForRepeatedTypes) {
  using Twice = std::variant<int, int>;
  const auto first = RoundTrip(Twice(std::in_place_index<0>, 5));
  const auto second = RoundTrip(Twice(std::in_place_index<1>, 5));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->index(), 0u);
  EXPECT_EQ(second->index(), 1u);
  EXPECT_EQ(std::get<1>(*second), 5);
}

TEST(VariantTest, SmallAlternativesRoundTrip) {
  using Small = std::variant<bool, char, std::int8_t>;
  ExpectRoundTrips([] { return Small(true); });
  ExpectRoundTrips([] { return Small('c'); });
  ExpectRoundTrips([] { return Small(std::int8_t{-7}); });
}

TEST(VariantTest, VectorOfVariantsRoundTrips) {
  ExpectRoundTrips([] {
    return std::vector<Value>{Value(), Value(3), Value("s"), Value(Point{0, 1, "p"}),
                              Value(std::monostate())};
  });
}

TEST(VariantTest, ValuelessVariantIsRefusedAtSave) {
  Holder<std::variant<int, Throws>> holder;
  const Throws throws;
  EXPECT_THROW(holder.value.emplace<1>(throws), std::runtime_error);
  ASSERT_TRUE(holder.value.valueless_by_exception());
  ScratchDir dir;
  try {
    respawn::save(holder, dir / "valueless.respawn");
    ADD_FAILURE() << "a valueless variant was saved";
  } catch (const respawn::error& e) {
    EXPECT_TRUE(e.code() == respawn::errc::policy_violation) << e.what();
    EXPECT_NE(std::string(e.what()).find(".value"), std::string::npos) << "no object path: " << e.what();
  }
}

TEST(VariantTest, MonostateAloneRoundTrips) {
  ExpectRoundTrips([] { return std::variant<std::monostate>(); });
}

}  // namespace
}  // namespace respawn_test
