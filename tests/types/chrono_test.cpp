// std::chrono::duration (several representations and periods) and
// std::chrono::time_point round-trips.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <ratio>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

using namespace std::chrono_literals;

TEST(DurationTest, StandardDurationsRoundTrip) {
  ExpectRoundTrips([] { return std::chrono::nanoseconds(123456789012345); });
  ExpectRoundTrips([] { return std::chrono::microseconds(-42); });
  ExpectRoundTrips([] { return std::chrono::milliseconds(-1500); });
  ExpectRoundTrips([] { return std::chrono::seconds(0); });
  ExpectRoundTrips([] { return std::chrono::minutes(90); });
  ExpectRoundTrips([] { return std::chrono::hours(-24); });
  ExpectRoundTrips([] { return std::chrono::days(365); });
}

TEST(DurationTest, ExtremeTickCountsRoundTrip) {
  ExpectRoundTrips([] { return std::chrono::nanoseconds::max(); });
  ExpectRoundTrips([] { return std::chrono::nanoseconds::min(); });
}

TEST(DurationTest, FloatingPointAndCustomPeriodsRoundTrip) {
  ExpectRoundTrips([] { return std::chrono::duration<double>(1.25); });
  ExpectRoundTrips([] { return std::chrono::duration<float, std::milli>(-0.5f); });
  ExpectRoundTrips([] { return std::chrono::duration<long double, std::ratio<1, 3>>(7.0L); });
  ExpectRoundTrips([] { return std::chrono::duration<std::int8_t, std::ratio<60>>(-128); });
  ExpectRoundTrips([] { return std::chrono::duration<std::uint16_t, std::micro>(65535); });
}

TEST(DurationTest, VectorOfDurationsRoundTrips) {
  ExpectRoundTrips([] { return std::vector<std::chrono::milliseconds>{1ms, -2ms, 3s}; });
}

TEST(TimePointTest, SystemClockTimePointsRoundTrip) {
  const auto now = std::chrono::system_clock::now();
  ExpectRoundTrips([now] { return now; });
  ExpectRoundTrips([] { return std::chrono::system_clock::time_point(); });
  ExpectRoundTrips([] { return std::chrono::system_clock::time_point::min(); });
  ExpectRoundTrips([] { return std::chrono::system_clock::time_point::max(); });
  ExpectRoundTrips([] { return std::chrono::system_clock::time_point(-86400s); });
}

TEST(TimePointTest, TimePointsWithOtherDurationsRoundTrip) {
  ExpectRoundTrips([] { return std::chrono::sys_seconds(1700000000s); });
  ExpectRoundTrips([] { return std::chrono::sys_days(std::chrono::days(19000)); });
  ExpectRoundTrips([] { return std::chrono::time_point<std::chrono::steady_clock>(5s); });
}

}  // namespace
}  // namespace respawn_test
