// The slow paths of byte_sink and byte_source, on tiny buffers so that most
// writes and reads cross a buffer boundary.
#include "respawn/detail/byte_stream.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "format_test_util.hpp"

namespace respawn::detail {
namespace {

// Empty, inside one buffer, filling it exactly, crossing one and many buffers: 1000 bytes.
constexpr std::size_t write_sizes[] = {0, 1, 6, 7, 8, 100, 3, 875};

// Collects what it is handed, one buffer of `capacity` bytes at a time.
class collecting_sink final : public byte_sink {
 public:
  explicit collecting_sink(std::size_t capacity) : buffer_(capacity) { reset(); }

  std::string collected;
  int flushes = 0;
  bool fail_next_flush = false;

  void finish() { collected.append(buffer_begin(), buffered()); }

 private:
  void flush_buffer() override {
    if (fail_next_flush) {
      fail_next_flush = false;
      throw error(errc::io_error, "sink: full");
    }
    collected.append(buffer_begin(), buffered());
    ++flushes;
    reset();
  }
  void reset() { set_buffer(buffer_.data(), buffer_.data() + buffer_.size()); }

  std::vector<char> buffer_;
};

// Hands out `data` in buffers of at most `capacity` bytes.
class chunked_source final : public byte_source {
 public:
  // Starts with an empty buffer that is not null: the inline fast path hands
  // the buffer pointer to memcpy even for a zero-byte read.
  chunked_source(std::string data, std::size_t capacity) : data_(std::move(data)), capacity_(capacity) {
    set_buffer(data_.data(), data_.data());
  }
  const std::string& name() const override { return name_; }

 private:
  bool refill() override {
    if (next_ == data_.size()) return false;
    const std::size_t size = std::min(capacity_, data_.size() - next_);
    set_buffer(data_.data() + next_, data_.data() + next_ + size);
    next_ += size;
    return true;
  }

  std::string data_;
  std::size_t capacity_;
  std::size_t next_ = 0;
  std::string name_ = "chunks";
};

TEST(ByteSink, WritesCrossingBuffersArriveInOrderAndAreCounted) {
  const std::string data = format::testing::make_payload(1000);
  collecting_sink sink(7);
  std::size_t done = 0;
  for (std::size_t size : write_sizes) {
    sink.write(data.data() + done, size);
    done += size;
    EXPECT_EQ(sink.bytes_written(), done);
  }
  ASSERT_EQ(done, data.size());
  sink.finish();
  EXPECT_EQ(sink.collected, data);
  EXPECT_EQ(sink.flushes, 142);  // 1000 bytes in buffers of 7: 142 full ones, 6 bytes left
}

// Writes of up to 64 bytes that fit the buffer are copied inline, in
// overlapping pieces whose sizes depend on the write's: every size, at every
// alignment of the source and of the buffer.
TEST(ByteSink, ShortWritesOfEverySizeArriveWhole) {
  const std::string data = format::testing::make_payload(200);
  collecting_sink sink(4096);
  std::string expected;
  for (std::size_t size = 0; size <= 70; ++size) {
    for (std::size_t offset = 0; offset < 8; ++offset) {
      sink.write(data.data() + offset, size);
      expected.append(data, offset, size);
    }
  }
  sink.finish();
  EXPECT_EQ(sink.collected, expected);
  EXPECT_EQ(sink.bytes_written(), expected.size());
}

TEST(ByteSink, FailedFlushLeavesTheCountRight) {
  collecting_sink sink(4);
  sink.write("abcd", 4);
  sink.fail_next_flush = true;
  EXPECT_THROW(sink.write("e", 1), error);
  EXPECT_EQ(sink.bytes_written(), 4u);
  sink.write("e", 1);
  EXPECT_EQ(sink.bytes_written(), 5u);
  sink.finish();
  EXPECT_EQ(sink.collected, "abcde");
}

TEST(ByteSource, ReadsCrossingBuffersAreWholeAndCounted) {
  const std::string data = format::testing::make_payload(1000);
  chunked_source source(data, 7);
  std::string read;
  for (std::size_t size : write_sizes) {
    std::string chunk(size, '\0');
    source.read(chunk.data(), size);
    read += chunk;
    EXPECT_EQ(source.bytes_read(), read.size());
  }
  EXPECT_EQ(read, data);
}

TEST(ByteSource, ReadPastTheEndIsTruncatedAndNamesTheSource) {
  chunked_source source("abcdefghij", 4);
  char bytes[8];
  source.read(bytes, 8);
  try {
    source.read(bytes, 3);
    FAIL() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::truncated);
    EXPECT_EQ(std::string(e.what()),
              "chunks: the payload ends after 10 bytes, inside a read of 3 bytes (1 missing)");
  }
  EXPECT_EQ(source.bytes_read(), 10u);
}

TEST(ByteSource, EmptySourceIsTruncatedOnTheFirstRead) {
  chunked_source source("", 4);
  char byte;
  EXPECT_THROW(source.read(&byte, 1), error);
  EXPECT_EQ(source.bytes_read(), 0u);
}

// Numbers of every length, written by the sink and read back from buffers of
// 64 bytes (most numbers whole in the buffer) and of 3 (most cut by its end).
TEST(ByteSource, VarintsOfEveryLengthReadBackFromAnyBuffer) {
  std::vector<std::uint64_t> values = {0, 1, 127, 128, 300, 16383, 16384, ~std::uint64_t{0}};
  for (unsigned bits = 7; bits < 64; bits += 7) values.push_back((std::uint64_t{1} << bits) - 1);
  collecting_sink sink(5);
  for (const std::uint64_t value : values) sink.write_varint(value);
  sink.finish();
  for (const std::size_t capacity : {64, 3}) {
    SCOPED_TRACE(::testing::Message() << "buffers of " << capacity);
    chunked_source source(sink.collected, capacity);
    for (const std::uint64_t value : values) EXPECT_EQ(source.read_varint(), value);
    EXPECT_EQ(source.bytes_read(), sink.collected.size());
  }
}

// Eleven continuation bytes, or a tenth byte above the 64th bit: corrupt, with
// the source's name and where the number ends, from any buffer.
TEST(ByteSource, VarintLongerThan64BitsIsCorrupt) {
  const std::string eleven(11, '\xff');
  const std::string tenth_too_big = std::string(9, '\xff') + '\x02';
  for (const std::string& bytes : {eleven, tenth_too_big}) {
    for (const std::size_t capacity : {64, 3}) {
      SCOPED_TRACE(::testing::Message() << bytes.size() << " bytes in buffers of " << capacity);
      chunked_source source("x" + bytes + std::string(16, '\0'), capacity);
      char first;
      source.read(&first, 1);
      try {
        source.read_varint();
        FAIL() << "no error";
      } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::corrupt);
        EXPECT_EQ(std::string(e.what()), "chunks: a number at payload byte 11 is longer than 64 bits");
      }
    }
  }
}

}  // namespace
}  // namespace respawn::detail
