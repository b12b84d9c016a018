// The header, the trailer and the file-wide integrity rules of docs/format.md.
#include "format/container.hpp"

#include <gtest/gtest.h>

#include <cfloat>

#include "format_test_util.hpp"

namespace respawn::format {
namespace {

using testing::error_code_of;
using testing::le32;
using testing::le64;
using testing::memfile;
using testing::reseal_header;
using testing::sample_header;
using testing::snapshot_bytes;
using testing::verify_bytes;

constexpr std::size_t platform_offset = 16;
constexpr std::size_t root_name_offset = 34;

header read_back(const std::string& bytes, const load_options& options = {},
                 std::uint32_t* length = nullptr) {
  memfile file(bytes);
  std::uint32_t header_length = 0;
  header result = read_header(file.fd(), "mem", options, &header_length);
  if (length) *length = header_length;
  return result;
}

std::optional<errc> header_error(const std::string& bytes, std::string* message = nullptr,
                                 const load_options& options = {}) {
  return error_code_of([&] { read_back(bytes, options); }, message);
}

TEST(Container, LittleEndianHelpersAreByteExact) {
  char bytes[8];
  put_u32(bytes, 0x01020304u);
  EXPECT_EQ(std::string(bytes, 4), std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(get_u32(bytes), 0x01020304u);
  put_u64(bytes, 0x0102030405060708u);
  EXPECT_EQ(std::string(bytes, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_EQ(get_u64(bytes), 0x0102030405060708u);
}

TEST(Container, HeaderLayoutFollowsTheSpecification) {
  const std::string bytes = encode_header(sample_header());
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89RSPAWN\n"));
  EXPECT_EQ(le32(bytes, 8), 2u);
  EXPECT_EQ(le32(bytes, 12), bytes.size());
  const platform_tag tag = native_platform_tag();
  EXPECT_EQ(bytes.substr(platform_offset, platform_tag_bytes), std::string(tag.begin(), tag.end()));
  EXPECT_EQ(le32(bytes, 30), 19u);  // Boost archive version
  EXPECT_EQ(le32(bytes, root_name_offset), 9u);
  EXPECT_EQ(bytes.substr(root_name_offset + 4, 9), "Scheduler");
  EXPECT_EQ(le64(bytes, bytes.size() - 8), XXH3_64bits(bytes.data(), bytes.size() - 8));
}

TEST(Container, NativePlatformTagRecordsThisPlatform) {
  const platform_tag tag = native_platform_tag();
  EXPECT_EQ(tag[0], std::endian::native == std::endian::little ? 1 : 2);
  EXPECT_EQ(tag[3], sizeof(long));
  EXPECT_EQ(tag[5], sizeof(void*));
  EXPECT_EQ(tag[7], sizeof(wchar_t));
  EXPECT_EQ(tag[11], sizeof(long double));
  EXPECT_EQ(tag[12], LDBL_MANT_DIG);
}

TEST(Container, HeaderRoundTripsWithItsSchema) {
  const header original = sample_header();
  std::uint32_t length = 0;
  const std::string bytes = encode_header(original);
  EXPECT_EQ(read_back(bytes, {}, &length), original);
  EXPECT_EQ(length, bytes.size());

  header empty;  // no root name, no types
  EXPECT_EQ(read_back(encode_header(empty)), empty);
}

TEST(Container, ReadHeaderStopsAtTheHeaderEnd) {
  memfile file(encode_header(sample_header()) + "next");
  std::uint32_t length = 0;
  read_header(file.fd(), "mem", {}, &length);
  EXPECT_EQ(file.position(), static_cast<off_t>(length));
}

TEST(Container, EmptyInputIsTruncated) {
  std::string message;
  EXPECT_EQ(header_error("", &message), errc::truncated);
  EXPECT_EQ(message, "mem: the input is empty, expected a respawn snapshot");
}

TEST(Container, JunkIsNotASnapshot) {
  std::string message;
  EXPECT_EQ(header_error("#!/bin/sh\necho hello\n", &message), errc::not_a_snapshot);
  EXPECT_NE(message.find("23 21 2f 62"), std::string::npos) << message;  // what it starts with
  EXPECT_EQ(header_error("x"), errc::not_a_snapshot);
}

TEST(Container, InputEndingInsideTheMagicIsTruncated) { EXPECT_EQ(header_error("\x89RSP"), errc::truncated); }

TEST(Container, WrongMagicIsNotASnapshot) {
  std::string bytes = encode_header(sample_header());
  bytes[3] = 'Q';
  EXPECT_EQ(header_error(bytes), errc::not_a_snapshot);
}

TEST(Container, NewerFormatVersionIsUnsupported) {
  std::string bytes = encode_header(sample_header());
  testing::set_le32(bytes, 8, format_version + 1);
  reseal_header(bytes);
  std::string message;
  EXPECT_EQ(header_error(bytes, &message), errc::unsupported_version);
  EXPECT_NE(message.find("version " + std::to_string(format_version + 1)), std::string::npos) << message;
}

// A header with one type "T" (version 0, fields as given): the offset of its
// flags byte is after root "" (4), type count (4), "T" (5) and version (4).
constexpr std::size_t single_type_flags_offset = root_name_offset + 4 + 4 + 5 + 4;

header single_type_header(bool referenceable) {
  header h;
  h.schema.types = {{"T", 0, {{"f", detail::field_policy::serialize, 0}}, referenceable}};
  return h;
}

TEST(Container, TypeFlagsRecordWhetherATypeIsReferenceable) {
  for (bool referenceable : {false, true}) {
    const std::string bytes = encode_header(single_type_header(referenceable));
    EXPECT_EQ(bytes[single_type_flags_offset], referenceable ? 1 : 0);
    EXPECT_EQ(read_back(bytes).schema.types.at(0).referenceable, referenceable);
  }
}

TEST(Container, UnknownTypeFlagIsCorrupt) {
  std::string bytes = encode_header(single_type_header(true));
  bytes[single_type_flags_offset] = 0x03;
  reseal_header(bytes);
  std::string message;
  EXPECT_EQ(header_error(bytes, &message), errc::corrupt);
  EXPECT_NE(message.find("type 'T' has flags 3"), std::string::npos) << message;
}

// Format version 1 had no type flags: every by-value object took an id, which
// a reader keeps for such a file by reading every type as referenceable.
TEST(Container, FormatVersion1TypesHaveNoFlagsAndAreReferenceable) {
  std::string bytes = encode_header(single_type_header(false));
  bytes.erase(single_type_flags_offset, 1);
  testing::set_le32(bytes, 8, 1);
  testing::set_le32(bytes, 12, static_cast<std::uint32_t>(bytes.size()));
  reseal_header(bytes);
  const header parsed = read_back(bytes);
  ASSERT_EQ(parsed.schema.types.size(), 1u);
  EXPECT_TRUE(parsed.schema.types[0].referenceable);
  EXPECT_EQ(parsed.schema.types[0].fields, single_type_header(false).schema.types[0].fields);
}

TEST(Container, FormatVersionZeroIsCorrupt) {
  std::string bytes = encode_header(sample_header());
  testing::set_le32(bytes, 8, 0);
  reseal_header(bytes);
  EXPECT_EQ(header_error(bytes), errc::corrupt);
}

TEST(Container, ForeignPlatformIsUnsupportedAndBothAreNamed) {
  std::string bytes = encode_header(sample_header());
  bytes[platform_offset] = bytes[platform_offset] == 1 ? 2 : 1;  // the other byte order
  bytes[platform_offset + 3] = 4;                                // sizeof(long) 4
  reseal_header(bytes);
  std::string message;
  EXPECT_EQ(header_error(bytes, &message), errc::unsupported_version);
  platform_tag foreign;
  std::copy_n(bytes.begin() + platform_offset, platform_tag_bytes, foreign.begin());
  EXPECT_NE(message.find(describe_platform(foreign)), std::string::npos) << message;
  EXPECT_NE(message.find(describe_platform(native_platform_tag())), std::string::npos) << message;
  EXPECT_NE(message.find("long 4"), std::string::npos) << message;
}

TEST(Container, HeaderChecksumMismatchIsCorrupt) {
  std::string bytes = encode_header(sample_header());
  bytes[root_name_offset + 4] ^= 0x20;  // "scheduler"
  std::string message;
  EXPECT_EQ(header_error(bytes, &message), errc::corrupt);
  EXPECT_NE(message.find("checksum"), std::string::npos) << message;
}

TEST(Container, HeaderAboveTheLimitIsRefusedBeforeReadingIt) {
  const std::string bytes = encode_header(sample_header());
  load_options options;
  options.max_header_bytes = bytes.size() - 1;
  EXPECT_EQ(header_error(bytes, nullptr, options), errc::limit_exceeded);
  options.max_header_bytes = bytes.size();
  EXPECT_NO_THROW(read_back(bytes, options));
}

TEST(Container, HugeHeaderLengthIsALimitNotAnAllocation) {
  std::string bytes = encode_header(sample_header());
  testing::set_le32(bytes, 12, 0xfffffff0u);
  EXPECT_EQ(header_error(bytes), errc::limit_exceeded);
}

TEST(Container, HeaderLengthBelowTheMinimumIsCorrupt) {
  std::string bytes = encode_header(sample_header());
  testing::set_le32(bytes, 12, 20);
  EXPECT_EQ(header_error(bytes), errc::corrupt);
}

TEST(Container, StringLongerThanTheHeaderIsCorrupt) {
  std::string bytes = encode_header(sample_header());
  testing::set_le32(bytes, root_name_offset, 1000000);
  reseal_header(bytes);
  std::string message;
  EXPECT_EQ(header_error(bytes, &message), errc::corrupt);
  EXPECT_NE(message.find("root type name"), std::string::npos) << message;
}

TEST(Container, CountLargerThanTheHeaderIsCorrupt) {
  std::string bytes = encode_header(sample_header());
  testing::set_le32(bytes, root_name_offset + 4 + 9, 0xffffffffu);  // type count
  reseal_header(bytes);
  EXPECT_EQ(header_error(bytes), errc::corrupt);
}

TEST(Container, UnknownFieldPolicyIsCorrupt) {
  header h;
  h.schema.types = {{"T", 0, {{"f", detail::field_policy::serialize, 0}}}};
  std::string bytes = encode_header(h);
  // root "" (4), type count (4), "T" (5), version (4), flags (1), field count (4), "f" (5): then the policy.
  const std::size_t policy_offset = root_name_offset + 4 + 4 + 5 + 4 + 1 + 4 + 5;
  ASSERT_EQ(bytes[policy_offset], 0);
  bytes[policy_offset] = 9;
  reseal_header(bytes);
  EXPECT_EQ(header_error(bytes), errc::corrupt);
}

TEST(Container, BytesAfterTheSchemaAreCorrupt) {
  std::string bytes = encode_header(header{});
  bytes.insert(bytes.size() - 8, "xx");
  testing::set_le32(bytes, 12, static_cast<std::uint32_t>(bytes.size()));
  reseal_header(bytes);
  std::string message;
  EXPECT_EQ(header_error(bytes, &message), errc::corrupt);
  EXPECT_NE(message.find("2 bytes after"), std::string::npos) << message;
}

TEST(Container, EveryCutInsideTheHeaderIsTruncated) {
  const std::string bytes = encode_header(sample_header());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_EQ(header_error(bytes.substr(0, size)), errc::truncated) << "cut at " << size;
  }
}

TEST(Container, TrailerRoundTripsAndChecksItsChecksum) {
  const trailer totals{12345, 3, {0x0123456789abcdefu, 0xfedcba9876543210u}};
  auto bytes = encode_trailer(totals);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xffu);
  const trailer decoded = decode_trailer(bytes, "mem");
  EXPECT_EQ(decoded.raw_bytes, totals.raw_bytes);
  EXPECT_EQ(decoded.frame_count, totals.frame_count);
  EXPECT_EQ(decoded.hash, totals.hash);
  bytes[20] ^= 1;
  EXPECT_EQ(error_code_of([&] { decode_trailer(bytes, "mem"); }), errc::corrupt);
}

TEST(Container, ContentHashHexIsHighHalfFirst) {
  EXPECT_EQ(to_hex(content_hash{0x0123456789abcdefu, 0x00000000000000ffu}),
            "0123456789abcdef00000000000000ff");
  EXPECT_EQ(to_hex(std::uint64_t{0xab}), "0x00000000000000ab");
}

// The worked example at the end of docs/format.md, byte for byte.
TEST(Container, SpecificationExampleIsReproduced) {
  const platform_tag x86_64_linux = {1, 2, 4, 8, 8, 8, 8, 4, 1, 4, 8, 16, 64, 1};
  if (native_platform_tag() != x86_64_linux) GTEST_SKIP() << "the example was written on x86-64 Linux";
  header h;
  h.boost_archive_version = 19;
  h.schema.root_type = "Counter";
  h.schema.types = {{"Counter", 1, {{"value", detail::field_policy::serialize, 0}}, false}};
  save_options options;
  options.compression_level = 0;
  const std::string bytes = snapshot_bytes(std::string("\x2a\0\0\0\0\0\0\0", 8), options, h);
  const char* expected =
      "8952535041574e0a020000005b00000001020408080808040104081040011300000007000000"
      "436f756e7465720100000007000000436f756e7465720100000000010000000500000076616c"
      "75650000000000e876825760d33c6c0008000000080000002a000000000000000c60861a846d"
      "4affff0800000000000000010000000000000086fee1552f3eab9b455a898b4e16c2612f0330"
      "e6b17f6d3a";
  EXPECT_EQ(testing::hex_of(bytes), expected);
  EXPECT_EQ(verify_bytes(bytes).hash, "9bab3e2f55e1fe8661c2164e8b895a45");
}

// A whole small snapshot: every byte is covered by some check, so changing any
// one of them makes verify() fail, and every shorter prefix is truncated.
TEST(Container, EveryByteOfASnapshotIsChecked) {
  save_options options;
  options.frame_bytes = 64;
  const std::string bytes = snapshot_bytes(testing::make_payload(150), options);
  ASSERT_EQ(verify_bytes(bytes).stored_bytes, bytes.size());
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (int flip : {0x01, 0x80}) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ flip);
      EXPECT_TRUE(error_code_of([&] { verify_bytes(damaged); }).has_value())
          << "byte " << at << " ^ " << flip;
    }
  }
}

TEST(Container, EveryPrefixOfASnapshotIsTruncated) {
  save_options options;
  options.frame_bytes = 64;
  const std::string bytes = snapshot_bytes(testing::make_payload(150), options);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_EQ(error_code_of([&] { verify_bytes(bytes.substr(0, size)); }), errc::truncated)
        << "cut at " << size;
  }
}

}  // namespace
}  // namespace respawn::format
