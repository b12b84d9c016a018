// Every byte of a small snapshot matters: flipping any one of them (two ways)
// or cutting the file at any length gives a respawn::error with the code
// docs/format.md assigns to that byte's region, or, for a byte nothing depends
// on, the original state. Never a crash, never a different state.
//
// The expected codes are derived here from the specification's check order
// (docs/format.md, "Reading a snapshot"), not from the reader's code.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"
#include "sample_graph.hpp"
#include "test_util.hpp"

namespace respawn {
inline void PrintTo(errc code, std::ostream* out) { *out << to_string(code); }
}  // namespace respawn

namespace {

using respawn::errc;

constexpr std::size_t magic_bytes = 8;
constexpr std::size_t min_header_bytes = 50;
constexpr std::size_t frame_header_bytes = 9;
constexpr std::size_t frame_hash_bytes = 8;
constexpr std::size_t trailer_bytes = 41;
constexpr std::uint32_t reader_version = 1;

std::uint32_t le32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value |= std::uint32_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return value;
}

struct frame_record {
  std::size_t offset;  // of its kind byte
  std::uint8_t kind;
  std::uint32_t stored_size;
  std::size_t end() const { return offset + frame_header_bytes + stored_size + frame_hash_bytes; }
};

struct layout {
  std::size_t header_length = 0;
  std::vector<frame_record> frames;
  std::size_t trailer = 0;
};

layout walk(const std::string& file) {
  layout result;
  result.header_length = le32(file, 12);
  std::size_t at = result.header_length;
  while (static_cast<unsigned char>(file.at(at)) != 0xff) {
    result.frames.push_back({at, static_cast<std::uint8_t>(file[at]), le32(file, at + 5)});
    at = result.frames.back().end();
  }
  result.trailer = at;
  return result;
}

// The outcome the specification gives a record that starts at `at` where a
// frame or the trailer is expected, in the damaged file `file` (frame checks
// 1 to 4; every later check of a damaged record fails on its hash).
errc expected_for_record(const std::string& file, std::size_t at, bool loading,
                         const respawn::load_options& limits) {
  const auto kind = static_cast<std::uint8_t>(file[at]);
  if (kind == 0xff) {
    // The end of the frames. A load still wants payload bytes: truncated.
    // verify reads a trailer there, whose checksum fails unless the file ends first.
    if (loading) return errc::truncated;
    return at + trailer_bytes > file.size() ? errc::truncated : errc::corrupt;
  }
  if (kind > 1) return errc::corrupt;
  const std::uint32_t raw = le32(file, at + 1);
  const std::uint32_t stored = le32(file, at + 5);
  if (raw > limits.max_frame_bytes || stored > limits.max_frame_bytes) return errc::limit_exceeded;
  if (at + frame_header_bytes + stored + frame_hash_bytes > file.size()) return errc::truncated;
  return errc::corrupt;
}

// The expected outcome of loading (or verifying) `file`, which is `original`
// with the byte at `offset` changed.
errc expected_for_flip(const layout& parts, const std::string& file, std::size_t offset, bool loading,
                       const respawn::load_options& limits) {
  if (offset < magic_bytes) return errc::not_a_snapshot;
  if (offset < 12) {
    // Version 0 does not exist; a newer one is refused before the checksum.
    return le32(file, 8) > reader_version ? errc::unsupported_version : errc::corrupt;
  }
  if (offset < 16) {
    const std::uint32_t length = le32(file, 12);
    if (length < min_header_bytes) return errc::corrupt;
    if (length > limits.max_header_bytes) return errc::limit_exceeded;
    if (length > file.size()) return errc::truncated;
    return errc::corrupt;  // the checksum is read from the wrong place
  }
  if (offset < parts.header_length) return errc::corrupt;  // header checksum, before the platform tag
  for (const frame_record& frame : parts.frames) {
    if (offset >= frame.offset && offset < frame.offset + frame_header_bytes) {
      return expected_for_record(file, frame.offset, loading, limits);
    }
    if (offset < frame.end()) return errc::corrupt;  // stored bytes or frame hash
  }
  if (offset == parts.trailer) return expected_for_record(file, parts.trailer, loading, limits);
  return errc::corrupt;  // trailer checksum
}

struct tally {
  std::map<std::string, std::size_t> by_code;
  std::size_t cases = 0;
  std::size_t same_state = 0;
  void count(const std::optional<errc>& code) {
    ++cases;
    ++by_code[code ? respawn::to_string(*code) : "loaded, same state"];
    if (!code) ++same_state;
  }
  std::string str() const {
    std::string text = std::to_string(cases) + " cases:";
    for (const auto& [code, count] : by_code) text += " " + code + " " + std::to_string(count) + ",";
    text.pop_back();
    return text;
  }
};

class EveryByteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plan_ = sample::make_plan(3);
    plan_->settings = {{"mode", std::string(150, 'z')}, {"jobs", "4"}};  // the long run compresses
    respawn::save_options options;
    options.frame_bytes = 64;
    options.threads = 0;
    respawn::save(*plan_, good_, options);
    bytes_ = respawn::testing::read_file(good_);
    parts_ = walk(bytes_);
  }

  // Loads `file` from a path, and verifies it, expecting the given codes (a
  // successful load must restore the original state). Returns the load's code.
  std::optional<errc> check(const std::string& file, errc expect_load, errc expect_verify, tally& loads,
                            tally& verifies) {
    respawn::testing::write_file(bad_, file);
    std::optional<errc> load_code;
    try {
      const std::unique_ptr<sample::Plan> loaded = respawn::load<sample::Plan>(bad_);
      EXPECT_TRUE(sample::same_plan(*loaded, *plan_)) << "a damaged snapshot loaded as a different state";
    } catch (const respawn::error& e) {
      load_code = e.code();
      EXPECT_EQ(e.code(), expect_load) << e.what();
    }
    if (!load_code)
      ADD_FAILURE() << "a damaged snapshot loaded; expected " << respawn::to_string(expect_load);
    loads.count(load_code);
    std::optional<errc> verify_code;
    try {
      respawn::verify(bad_);
    } catch (const respawn::error& e) {
      verify_code = e.code();
      EXPECT_EQ(e.code(), expect_verify) << e.what();
    }
    if (!verify_code) ADD_FAILURE() << "verify accepted a damaged snapshot";
    verifies.count(verify_code);
    return load_code;
  }

  respawn::testing::temp_dir dir_;
  std::filesystem::path good_ = dir_ / "good.snap";
  std::filesystem::path bad_ = dir_ / "bad.snap";
  std::unique_ptr<sample::Plan> plan_;
  std::string bytes_;
  layout parts_;
  respawn::load_options limits_;  // load and verify run with the default limits
};

TEST_F(EveryByteTest, TheSnapshotIsSmallWithStoredAndCompressedFrames) {
  EXPECT_LT(bytes_.size(), 1024u);
  ASSERT_GE(parts_.frames.size(), 2u);
  bool stored = false;
  bool zstd = false;
  for (const frame_record& frame : parts_.frames) {
    stored = stored || frame.kind == 0;
    zstd = zstd || frame.kind == 1;
  }
  EXPECT_TRUE(stored);
  EXPECT_TRUE(zstd);
  EXPECT_EQ(parts_.trailer + trailer_bytes, bytes_.size());
  EXPECT_TRUE(sample::same_plan(*respawn::load<sample::Plan>(good_), *plan_));
}

TEST_F(EveryByteTest, EveryFlippedByteIsRefusedWithItsRegionsCode) {
  tally loads;
  tally verifies;
  for (const unsigned char mask : {0x01, 0xff}) {
    for (std::size_t offset = 0; offset < bytes_.size(); ++offset) {
      std::string file = bytes_;
      file[offset] = static_cast<char>(file[offset] ^ mask);
      SCOPED_TRACE("byte " + std::to_string(offset) + " of " + std::to_string(bytes_.size()) + " xor " +
                   std::to_string(mask));
      check(file, expected_for_flip(parts_, file, offset, true, limits_),
            expected_for_flip(parts_, file, offset, false, limits_), loads, verifies);
    }
  }
  EXPECT_EQ(loads.cases, 2 * bytes_.size());
  std::cout << "[ every byte ] " << bytes_.size() << "-byte snapshot, " << parts_.frames.size()
            << " frames; flips: load " << loads.str() << "; verify " << verifies.str() << "\n";
}

TEST_F(EveryByteTest, EveryTruncationIsTruncated) {
  tally loads;
  tally verifies;
  for (std::size_t length = 0; length < bytes_.size(); ++length) {
    SCOPED_TRACE("cut to " + std::to_string(length) + " of " + std::to_string(bytes_.size()) + " bytes");
    check(bytes_.substr(0, length), errc::truncated, errc::truncated, loads, verifies);
  }
  EXPECT_EQ(loads.cases, bytes_.size());
  std::cout << "[ every byte ] truncations: load " << loads.str() << "; verify " << verifies.str() << "\n";
}

// The same through a descriptor: a cut snapshot followed by nothing, and a
// flipped byte in each frame with read-ahead on and off.
TEST_F(EveryByteTest, DescriptorsGiveTheSameCodes) {
  for (const unsigned threads : {0u, 1u}) {
    respawn::load_options options;
    options.threads = threads;
    for (std::size_t offset = parts_.header_length; offset < bytes_.size(); ++offset) {
      std::string file = bytes_;
      file[offset] = static_cast<char>(file[offset] ^ 0x01);
      SCOPED_TRACE("byte " + std::to_string(offset) + ", threads " + std::to_string(threads));
      int ends[2];
      ASSERT_EQ(::pipe(ends), 0);
      ASSERT_EQ(::write(ends[1], file.data(), file.size()), static_cast<ssize_t>(file.size()));
      ::close(ends[1]);
      respawn::testing::expect_error(expected_for_flip(parts_, file, offset, true, limits_),
                                     [&] { respawn::load<sample::Plan>(ends[0], options); });
      ::close(ends[0]);
    }
  }
}

}  // namespace
