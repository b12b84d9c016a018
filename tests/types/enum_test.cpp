// Scoped and unscoped enums round-trip through their underlying type,
// negative values and values without a name included.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

enum class Small : std::int8_t { kLowest = -128, kMinusOne = -1, kZero = 0, kHighest = 127 };
enum class Wide : std::int64_t {
  kLowest = std::numeric_limits<std::int64_t>::min(),
  kHighest = std::numeric_limits<std::int64_t>::max(),
};
enum class Unsigned : std::uint16_t { kZero = 0, kHighest = 0xffff };
enum Unscoped { kNegative = -5, kNothing = 0, kPositive = 7 };
enum UnscopedSigned : short { kShortLow = -32768, kShortHigh = 32767 };

TEST(EnumTest, ScopedEnumsRoundTripWithNegativeValues) {
  for (const Small value : {Small::kLowest, Small::kMinusOne, Small::kZero, Small::kHighest}) {
    ExpectRoundTrips([value] { return value; });
  }
  for (const Wide value : {Wide::kLowest, Wide::kHighest, static_cast<Wide>(-2)}) {
    ExpectRoundTrips([value] { return value; });
  }
  for (const Unsigned value : {Unsigned::kZero, Unsigned::kHighest}) {
    ExpectRoundTrips([value] { return value; });
  }
}

TEST(EnumTest, UnscopedEnumsRoundTripWithNegativeValues) {
  for (const Unscoped value : {kNegative, kNothing, kPositive}) {
    ExpectRoundTrips([value] { return value; });
  }
  for (const UnscopedSigned value : {kShortLow, kShortHigh}) {
    ExpectRoundTrips([value] { return value; });
  }
}

TEST(EnumTest, ValuesWithoutANameRoundTrip) {
  ExpectRoundTrips([] { return static_cast<Small>(42); });
  ExpectRoundTrips([] { return static_cast<Unsigned>(12345); });
  ExpectRoundTrips([] { return static_cast<UnscopedSigned>(-100); });
  ExpectRoundTrips([] { return static_cast<Unscoped>(-8); });  // within the range of its enumerators' bits
}

TEST(EnumTest, EnumsInContainersRoundTrip) {
  ExpectRoundTrips([] { return std::vector<Small>{Small::kMinusOne, Small::kHighest, Small::kLowest}; });
  ExpectRoundTrips([] {
    return std::map<Unscoped, Wide>{{kNegative, Wide::kLowest}, {kPositive, Wide::kHighest}};
  });
}

}  // namespace
}  // namespace respawn_test
