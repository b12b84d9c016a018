// std::bitset round-trips for sizes below, at and above byte and word
// boundaries, with every bit checked.
#include <gtest/gtest.h>

#include <bitset>
#include <cstddef>
#include <string>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

// A pattern that differs between neighbouring bits and bytes.
template <std::size_t N>
std::bitset<N> Pattern(unsigned seed) {
  std::bitset<N> bits;
  for (std::size_t i = 0; i < N; ++i) bits[i] = ((i * 7 + seed) % 5) < 2;
  return bits;
}

template <std::size_t N>
void ExpectBitsetSizeRoundTrips() {
  SCOPED_TRACE(::testing::Message() << "bitset<" << N << ">");
  ExpectRoundTrips([] { return std::bitset<N>(); });
  ExpectRoundTrips([] { return std::bitset<N>().set(); });
  ExpectRoundTrips([] { return Pattern<N>(0); });
  ExpectRoundTrips([] { return Pattern<N>(3); });
  ExpectRoundTrips([] { return std::bitset<N>().set(N - 1); });
  ExpectRoundTrips([] { return std::bitset<N>().set(0); });
}

TEST(BitsetTest, SizeOneRoundTrips) { ExpectBitsetSizeRoundTrips<1>(); }
TEST(BitsetTest, SizeEightRoundTrips) { ExpectBitsetSizeRoundTrips<8>(); }
TEST(BitsetTest, SizeThirteenRoundTrips) { ExpectBitsetSizeRoundTrips<13>(); }
TEST(BitsetTest, SizeSixtyFourRoundTrips) { ExpectBitsetSizeRoundTrips<64>(); }
TEST(BitsetTest, SizeSixtyFiveRoundTrips) { ExpectBitsetSizeRoundTrips<65>(); }
TEST(BitsetTest, SizeHundredRoundTrips) { ExpectBitsetSizeRoundTrips<100>(); }

TEST(BitsetTest, BitsKeepTheirPositions) {
  const std::bitset<100> original(std::string("1011") + std::string(90, '0') + "110001");
  const auto loaded = RoundTrip(original);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->to_string(), original.to_string());
}

}  // namespace
}  // namespace respawn_test
