// Every arithmetic type round-trips with its extreme values, as the root and
// as a field; floating point values keep their exact bits (NaN payloads, -0.0).
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "types/round_trip.hpp"

namespace respawn_test {
namespace {

template <class T>
class ArithmeticTest : public ::testing::Test {};

using ArithmeticTypes = ::testing::Types<bool, char, signed char, unsigned char, wchar_t, char8_t, char16_t,
                                         char32_t, short, unsigned short, int, unsigned, long, unsigned long,
                                         long long, unsigned long long, float, double, long double>;
TYPED_TEST_SUITE(ArithmeticTest, ArithmeticTypes);

TYPED_TEST(ArithmeticTest, ExtremeValuesRoundTripAsRootAndField) {
  using T = TypeParam;
  using Limits = std::numeric_limits<T>;
  for (const T value : {Limits::min(), Limits::max(), Limits::lowest(), T{}, static_cast<T>(1)}) {
    SCOPED_TRACE(::testing::Message() << "value " << +value);
    ExpectRoundTrips([value] { return value; });
  }
}

TYPED_TEST(ArithmeticTest, VectorOfExtremesRoundTrips) {
  using T = TypeParam;
  using Limits = std::numeric_limits<T>;
  ExpectRoundTrips([] { return std::vector<T>{Limits::max(), T{}, Limits::lowest(), Limits::min(), T{}}; });
}

// The significant bytes of a floating point value: x86's 80-bit long double
// has six bytes of padding whose content is unspecified.
template <class F>
std::string SignificantBytes(F value) {
  std::size_t size = sizeof(F);
  if constexpr (std::is_same_v<F, long double>) {
    if (std::numeric_limits<long double>::digits == 64) size = 10;
  }
  std::string bytes(size, '\0');
  std::memcpy(bytes.data(), &value, size);
  return bytes;
}

template <class F>
void ExpectSameBits(F loaded, F original) {
  EXPECT_EQ(SignificantBytes(loaded), SignificantBytes(original));
}

template <class F>
void ExpectBitsRoundTrip(F original) {
  const auto root = RoundTrip(original);
  ASSERT_NE(root, nullptr);
  ExpectSameBits(*root, original);
  const auto field = HolderRoundTrip([original] { return original; });
  ASSERT_NE(field, nullptr);
  ExpectSameBits(field->value, original);
}

TEST(FloatingPointTest, FloatKeepsNaNPayloadNegativeZeroAndInfinities) {
  for (const std::uint32_t bits : {0x7fc12345u, 0xffc00001u, 0x7f812345u, 0x80000000u, 0x7f800000u,
                                   0xff800000u, 0x00000001u, 0x3eaaaaabu}) {
    SCOPED_TRACE(::testing::Message() << "bits 0x" << std::hex << bits);
    ExpectBitsRoundTrip(std::bit_cast<float>(bits));
  }
}

TEST(FloatingPointTest, DoubleKeepsNaNPayloadNegativeZeroAndInfinities) {
  for (const std::uint64_t bits :
       {0x7ff8000000abcdefull, 0xfff8000000000001ull, 0x7ff0000000000123ull, 0x8000000000000000ull,
        0x7ff0000000000000ull, 0xfff0000000000000ull, 0x0000000000000001ull, 0x3fd5555555555555ull}) {
    SCOPED_TRACE(::testing::Message() << "bits 0x" << std::hex << bits);
    ExpectBitsRoundTrip(std::bit_cast<double>(bits));
  }
}

TEST(FloatingPointTest, LongDoubleKeepsNaNNegativeZeroAndExtremes) {
  using Limits = std::numeric_limits<long double>;
  for (const long double value : {-0.0L, Limits::quiet_NaN(), -Limits::quiet_NaN(), Limits::infinity(),
                                  -Limits::infinity(), Limits::denorm_min(), Limits::max(), 1.0L / 3.0L}) {
    ExpectBitsRoundTrip(value);
  }
  const auto negative_zero = RoundTrip(-0.0L);
  ASSERT_NE(negative_zero, nullptr);
  EXPECT_TRUE(std::signbit(*negative_zero));
  const auto nan = RoundTrip(Limits::quiet_NaN());
  ASSERT_NE(nan, nullptr);
  EXPECT_TRUE(std::isnan(*nan));
}

TEST(FloatingPointTest, EqualLongDoublesSaveToTheSameHash) {
  // x86's 80-bit long double occupies 16 bytes; six of them are padding whose
  // content depends on how the memory was used before. Equal values must
  // still make equal snapshots.
  if (std::numeric_limits<long double>::digits != 64 || sizeof(long double) != 16) {
    GTEST_SKIP() << "long double has no padding on this platform";
  }
  Holder<long double> a;
  Holder<long double> b;
  std::memset(&a.value, 0x00, sizeof a.value);
  std::memset(&b.value, 0xa5, sizeof b.value);
  const long double value = 1.0L / 3.0L;
  std::memcpy(&a.value, &value, 10);
  std::memcpy(&b.value, &value, 10);
  ASSERT_EQ(a.value, b.value);
  ScratchDir dir;
  const respawn::snapshot_info first = respawn::save(a, dir / "a.respawn");
  const respawn::snapshot_info second = respawn::save(b, dir / "b.respawn");
  EXPECT_EQ(first.hash, second.hash);
}

TEST(FloatingPointTest, NegativeZeroKeepsItsSign) {
  const auto f = RoundTrip(-0.0f);
  const auto d = RoundTrip(-0.0);
  ASSERT_NE(f, nullptr);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(std::signbit(*f));
  EXPECT_TRUE(std::signbit(*d));
}

// Every arithmetic type side by side in one policy struct: each field must
// come back in its own place.
struct AllArithmetic {
  bool b = false;
  char c = 0;
  signed char sc = 0;
  unsigned char uc = 0;
  wchar_t wc = 0;
  char8_t c8 = 0;
  char16_t c16 = 0;
  char32_t c32 = 0;
  short s = 0;
  unsigned short us = 0;
  int i = 0;
  unsigned u = 0;
  long l = 0;
  unsigned long ul = 0;
  long long ll = 0;
  unsigned long long ull = 0;
  float f = 0;
  double d = 0;
  long double ld = 0;
  bool last = false;
};

}  // namespace
}  // namespace respawn_test

template <>
struct respawn::policy<respawn_test::AllArithmetic> {
  using T = respawn_test::AllArithmetic;
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&T::b, "b"), respawn::serialize(&T::c, "c"), respawn::serialize(&T::sc, "sc"),
      respawn::serialize(&T::uc, "uc"), respawn::serialize(&T::wc, "wc"), respawn::serialize(&T::c8, "c8"),
      respawn::serialize(&T::c16, "c16"), respawn::serialize(&T::c32, "c32"), respawn::serialize(&T::s, "s"),
      respawn::serialize(&T::us, "us"), respawn::serialize(&T::i, "i"), respawn::serialize(&T::u, "u"),
      respawn::serialize(&T::l, "l"), respawn::serialize(&T::ul, "ul"), respawn::serialize(&T::ll, "ll"),
      respawn::serialize(&T::ull, "ull"), respawn::serialize(&T::f, "f"), respawn::serialize(&T::d, "d"),
      respawn::serialize(&T::ld, "ld"), respawn::serialize(&T::last, "last"));
};

namespace respawn_test {
namespace {

TEST(AllArithmeticTest, EveryFieldComesBackInItsPlace) {
  AllArithmetic a;
  a.b = true;
  a.c = std::numeric_limits<char>::min();
  a.sc = -128;
  a.uc = 255;
  a.wc = std::numeric_limits<wchar_t>::max();
  a.c8 = u8'\xff';
  a.c16 = u'\xffff';
  a.c32 = U'\x10ffff';
  a.s = std::numeric_limits<short>::min();
  a.us = 65535;
  a.i = std::numeric_limits<int>::min();
  a.u = std::numeric_limits<unsigned>::max();
  a.l = std::numeric_limits<long>::min();
  a.ul = std::numeric_limits<unsigned long>::max();
  a.ll = std::numeric_limits<long long>::min() + 1;
  a.ull = 0x8000000000000001ull;
  a.f = -1.5f;
  a.d = std::numeric_limits<double>::denorm_min();
  a.ld = -12345.678L;
  a.last = true;

  const auto loaded = RoundTrip(a);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->b, a.b);
  EXPECT_EQ(loaded->c, a.c);
  EXPECT_EQ(loaded->sc, a.sc);
  EXPECT_EQ(loaded->uc, a.uc);
  EXPECT_EQ(loaded->wc, a.wc);
  EXPECT_EQ(loaded->c8, a.c8);
  EXPECT_EQ(loaded->c16, a.c16);
  EXPECT_EQ(loaded->c32, a.c32);
  EXPECT_EQ(loaded->s, a.s);
  EXPECT_EQ(loaded->us, a.us);
  EXPECT_EQ(loaded->i, a.i);
  EXPECT_EQ(loaded->u, a.u);
  EXPECT_EQ(loaded->l, a.l);
  EXPECT_EQ(loaded->ul, a.ul);
  EXPECT_EQ(loaded->ll, a.ll);
  EXPECT_EQ(loaded->ull, a.ull);
  EXPECT_EQ(loaded->f, a.f);
  EXPECT_EQ(loaded->d, a.d);
  EXPECT_EQ(loaded->ld, a.ld);
  EXPECT_EQ(loaded->last, a.last);
}

}  // namespace
}  // namespace respawn_test
