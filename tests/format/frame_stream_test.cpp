// frame_writer and frame_reader: payloads through the container and back, and
// every way a damaged or hostile file is refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <thread>
#include <tuple>

#include "format/fd_io.hpp"
#include "format_test_util.hpp"
#include "restore/frame_reader.hpp"
#include "snapshot/frame_writer.hpp"

namespace respawn::format {
namespace {

using testing::error_code_of;
using testing::le64;
using testing::make_payload;
using testing::memfile;
using testing::read_payload;
using testing::snapshot_bytes;
using testing::verify_bytes;
using testing::walk;
using testing::write_payload;

constexpr std::size_t small_frame = 4096;

save_options options_with(int level, unsigned threads, std::size_t frame_bytes = small_frame) {
  save_options options;
  options.compression_level = level;
  options.threads = threads;
  options.frame_bytes = frame_bytes;
  return options;
}

// --- Round trips ------------------------------------------------------------

class RoundTrip : public ::testing::TestWithParam<std::tuple<std::size_t, int, unsigned>> {};

TEST_P(RoundTrip, PayloadComesBackWithTheSameInfo) {
  const auto [size, level, threads] = GetParam();
  const std::string payload = make_payload(size);
  memfile file;
  const snapshot_info written = write_payload(file.fd(), payload, options_with(level, threads));
  const std::string bytes = file.contents();
  EXPECT_EQ(written.raw_bytes, size);
  EXPECT_EQ(written.stored_bytes, bytes.size());
  EXPECT_EQ(written.hash, testing::xxh128_hex(payload));
  EXPECT_EQ(written.root_type, "Scheduler");

  // Extra bytes after the snapshot stay unread.
  memfile input(bytes + "after the snapshot");
  std::string read;
  const snapshot_info loaded = read_payload(input.fd(), size, &read);
  EXPECT_TRUE(read == payload);
  EXPECT_EQ(loaded.hash, written.hash);
  EXPECT_EQ(loaded.raw_bytes, written.raw_bytes);
  EXPECT_EQ(loaded.stored_bytes, written.stored_bytes);
  EXPECT_EQ(loaded.root_type, written.root_type);
  EXPECT_EQ(input.position(), static_cast<off_t>(bytes.size()));

  const testing::layout parts = walk(bytes);
  EXPECT_EQ(parts.frames.size(), (size + small_frame - 1) / small_frame);
  for (const testing::frame_record& frame : parts.frames) EXPECT_LE(frame.raw_size, small_frame);
}

INSTANTIATE_TEST_SUITE_P(SizesLevelsThreads, RoundTrip,
                         ::testing::Combine(::testing::Values(std::size_t{0}, std::size_t{1}, small_frame,
                                                              small_frame + 1, 7 * small_frame + 123),
                                            ::testing::Values(0, 1, 3), ::testing::Values(0u, 1u, 2u)));

TEST(FrameStream, ContentHashDependsOnlyOnThePayload) {
  const std::string payload = make_payload(50000);
  const std::string expected = testing::xxh128_hex(payload);
  for (int level : {0, 1, 3, 9}) {
    for (unsigned threads : {0u, 1u, 3u}) {
      for (std::size_t frame_bytes : {std::size_t{1}, std::size_t{777}, small_frame, std::size_t{1} << 20}) {
        if (frame_bytes == 1 && level > 1) continue;  // 50,000 one-byte frames once is enough
        memfile file;
        const snapshot_info info =
            write_payload(file.fd(), payload, options_with(level, threads, frame_bytes));
        EXPECT_EQ(info.hash, expected) << level << " " << threads << " " << frame_bytes;
        EXPECT_EQ(verify_bytes(file.contents()).hash, expected);
      }
    }
  }
}

TEST(FrameStream, FileBytesDoNotDependOnTheThreadCount) {
  const std::string payload = make_payload(20 * small_frame + 5);
  const std::string inline_bytes = snapshot_bytes(payload, options_with(3, 0));
  for (unsigned threads : {1u, 2u, 5u})
    EXPECT_TRUE(snapshot_bytes(payload, options_with(3, threads)) == inline_bytes);
}

TEST(FrameStream, DefaultOptionsUseMebibyteFrames) {
  const std::string payload = make_payload((std::size_t{5} << 20) / 2);
  const std::string bytes = snapshot_bytes(payload);
  const testing::layout parts = walk(bytes);
  ASSERT_EQ(parts.frames.size(), 3u);
  EXPECT_EQ(parts.frames[0].raw_size, 1u << 20);
  EXPECT_EQ(parts.frames[2].raw_size, payload.size() - (2u << 20));
}

TEST(FrameStream, CompressibleFramesAreZstdAndIncompressibleOnesAreStored) {
  const std::string text(3 * small_frame, 'a');
  const testing::layout compressed_parts = walk(snapshot_bytes(text, options_with(1, 1)));
  for (const testing::frame_record& frame : compressed_parts.frames) {
    EXPECT_EQ(frame.kind, 1);
    EXPECT_LT(frame.stored_size, frame.raw_size);
  }
  const std::string noise = testing::random_bytes(3 * small_frame);
  const std::string bytes = snapshot_bytes(noise, options_with(1, 1));
  for (const testing::frame_record& frame : walk(bytes).frames) {
    EXPECT_EQ(frame.kind, 0);
    EXPECT_EQ(frame.stored_size, frame.raw_size);
    EXPECT_EQ(bytes.substr(frame.offset + 9, frame.stored_size), noise.substr(0, frame.stored_size));
    break;
  }
}

TEST(FrameStream, LevelZeroStoresEveryFrame) {
  for (const testing::frame_record& frame :
       walk(snapshot_bytes(std::string(50000, 'a'), options_with(0, 2))).frames) {
    EXPECT_EQ(frame.kind, 0);
  }
}

TEST(FrameStream, FrameAndTrailerHashesFollowTheSpecification) {
  const std::string payload = make_payload(20000);
  const std::string bytes = snapshot_bytes(payload, options_with(3, 2));
  const testing::layout parts = walk(bytes);
  std::uint64_t raw = 0;
  for (std::size_t i = 0; i < parts.frames.size(); ++i) {
    const testing::frame_record& frame = parts.frames[i];
    const std::size_t hashed = 9 + frame.stored_size;
    EXPECT_EQ(le64(bytes, frame.offset + hashed),
              XXH3_64bits_withSeed(bytes.data() + frame.offset, hashed, i));
    raw += frame.raw_size;
  }
  const std::size_t t = parts.trailer_offset;
  ASSERT_EQ(bytes.size(), t + 41);
  EXPECT_EQ(le64(bytes, t + 1), raw);
  EXPECT_EQ(le64(bytes, t + 9), parts.frames.size());
  const XXH128_hash_t content = XXH3_128bits(payload.data(), payload.size());
  EXPECT_EQ(le64(bytes, t + 17), content.high64);
  EXPECT_EQ(le64(bytes, t + 25), content.low64);
  EXPECT_EQ(le64(bytes, t + 33), XXH3_64bits(bytes.data() + t, 33));
}

TEST(FrameStream, HeaderSchemaComesBackFromTheReader) {
  memfile file;
  write_payload(file.fd(), "x", options_with(1, 0));
  file.rewind();
  frame_reader reader(file.fd(), "mem", {});
  EXPECT_EQ(reader.file_header(), testing::sample_header());
  EXPECT_EQ(reader.name(), "mem");
}

// A writer thread and a reader at the same time, as a spawned child restores
// while its parent still writes; the pipe carries more data after the snapshot.
TEST(FrameStream, ThroughAPipeWithDataAfterTheSnapshot) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const std::string payload = make_payload(300000);  // several times the pipe's buffer
  snapshot_info written;
  std::thread writer([&] {
    written = write_payload(pipe_fds[1], payload, options_with(1, 2));
    ::write(pipe_fds[1], "tail", 4);
    ::close(pipe_fds[1]);
  });
  std::string read;
  const snapshot_info loaded = read_payload(pipe_fds[0], payload.size(), &read);
  char tail[16];
  const std::size_t tail_size = read_up_to(pipe_fds[0], tail, sizeof tail, "pipe");
  writer.join();
  ::close(pipe_fds[0]);
  EXPECT_TRUE(read == payload);
  EXPECT_EQ(loaded.hash, written.hash);
  EXPECT_EQ(std::string(tail, tail_size), "tail");
}

// --- Writer failures ---------------------------------------------------------

TEST(FrameWriter, FullDeviceIsAnIoErrorNamingTheFile) {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_NE(fd, -1);
  std::string message;
  EXPECT_EQ(error_code_of([&] { frame_writer(fd, "/dev/full", testing::sample_header(), {}); }, &message),
            errc::io_error);
  ::close(fd);
  EXPECT_EQ(message.rfind("/dev/full: ", 0), 0u) << message;
  EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
}

class WriterThreads : public ::testing::TestWithParam<unsigned> {};

// The header fits in the pipe; then the reader goes away and the frames fail
// with EPIPE (not SIGPIPE) on whichever thread writes them.
TEST_P(WriterThreads, ClosedPipeIsReportedOnTheCallersThread) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::string message;
  const std::optional<errc> code = error_code_of(
      [&] {
        frame_writer writer(pipe_fds[1], "fd 9", testing::sample_header(), options_with(1, GetParam()));
        ::close(pipe_fds[0]);
        const std::string chunk = testing::random_bytes(small_frame);
        for (int i = 0; i < 64; ++i) writer.write(chunk.data(), chunk.size());
        writer.finish();
      },
      &message);
  ::close(pipe_fds[1]);
  EXPECT_EQ(code, errc::io_error);
  EXPECT_EQ(message.rfind("fd 9: ", 0), 0u) << message;
  EXPECT_NE(message.find("Broken pipe"), std::string::npos) << message;
}

TEST_P(WriterThreads, EveryCallAfterAFailureRethrowsIt) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  frame_writer writer(pipe_fds[1], "fd 9", testing::sample_header(), options_with(0, GetParam()));
  ::close(pipe_fds[0]);
  const std::string chunk = testing::random_bytes(small_frame);
  const auto write_many = [&] {
    for (int i = 0; i < 64; ++i) writer.write(chunk.data(), chunk.size());
  };
  EXPECT_EQ(error_code_of(write_many), errc::io_error);
  EXPECT_EQ(error_code_of(write_many), errc::io_error);
  EXPECT_EQ(error_code_of([&] { writer.finish(); }), errc::io_error);
  ::close(pipe_fds[1]);
}

TEST_P(WriterThreads, DestructorWithoutFinishStopsTheWorkers) {
  memfile file;
  {
    frame_writer writer(file.fd(), "mem", testing::sample_header(), options_with(1, GetParam()));
    const std::string payload = make_payload(40 * small_frame);
    writer.write(payload.data(), payload.size());
  }
  SUCCEED();  // no hang, no crash, no exception from the destructor
}

INSTANTIATE_TEST_SUITE_P(Threads, WriterThreads, ::testing::Values(0u, 1u, 2u));

// The caller fills a frame far faster than zstd at level 3 compresses one, so
// the worker falls behind, and the caller takes queued frames instead of
// waiting for a free slot.
TEST(FrameWriter, TheCallerCompressesWhenItsWorkerFallsBehind) {
  memfile file;
  const std::string payload = make_payload(256 * small_frame);
  frame_writer writer(file.fd(), "mem", testing::sample_header(), options_with(3, 1));
  writer.write(payload.data(), payload.size());
  const snapshot_info written = writer.finish();
  EXPECT_GT(writer.frames_sealed_by_caller(), 0u);
  EXPECT_EQ(written.hash, testing::xxh128_hex(payload));  // frames written in order all the same
  memfile input(file.contents());
  std::string read;
  read_payload(input.fd(), payload.size(), &read);
  EXPECT_TRUE(read == payload);
}

TEST(FrameWriter, WithoutWorkersTheCallerSealsEveryFrame) {
  memfile file;
  const std::string payload = make_payload(16 * small_frame);
  frame_writer writer(file.fd(), "mem", testing::sample_header(), options_with(1, 0));
  writer.write(payload.data(), payload.size());
  writer.finish();
  EXPECT_EQ(writer.frames_sealed_by_caller(), 16u);
}

TEST(FrameWriter, FrameSizeMustFitTheFormat) {
  memfile file;
  EXPECT_EQ(error_code_of([&] { frame_writer(file.fd(), "mem", {}, options_with(1, 1, 0)); }),
            errc::limit_exceeded);
  EXPECT_EQ(
      error_code_of([&] { frame_writer(file.fd(), "mem", {}, options_with(1, 1, std::size_t{1} << 32)); }),
      errc::limit_exceeded);
}

TEST(FrameWriter, NoWritesAfterFinish) {
  memfile file;
  frame_writer writer(file.fd(), "mem", {}, options_with(1, 1));
  writer.finish();
  EXPECT_THROW(writer.finish(), std::logic_error);
}

// --- Reader refusals -----------------------------------------------------------

// A snapshot of three zstd frames and its layout.
struct sample {
  std::string payload = make_payload(3 * small_frame - 100);
  std::string bytes = snapshot_bytes(payload, options_with(1, 0));
  testing::layout parts = walk(bytes);
};

std::optional<errc> read_error(const std::string& bytes, std::size_t payload_size,
                               std::string* message = nullptr, const load_options& options = {}) {
  return error_code_of(
      [&] {
        memfile file(bytes);
        std::string payload;
        read_payload(file.fd(), payload_size, &payload, options, "snap");
      },
      message);
}

TEST(FrameReader, FrameHashMismatchIsCorruptBeforeDecompressing) {
  sample s;
  ASSERT_EQ(s.parts.frames[1].kind, 1);
  s.bytes[s.parts.frames[1].offset + 20] ^= 0x10;
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), &message), errc::corrupt);
  EXPECT_EQ(message.rfind("snap: frame 1 ", 0), 0u) << message;
  EXPECT_NE(message.find("hash"), std::string::npos) << message;
}

// Two identical frames swapped leave the payload as it was; only the frame
// index in each frame's hash notices.
TEST(FrameReader, FramesInTheWrongOrderFailTheirHash) {
  const std::string payload(2 * small_frame, 'z');
  const std::string bytes = snapshot_bytes(payload, options_with(0, 0));
  const testing::layout parts = walk(bytes);
  const std::size_t record = 9 + small_frame + 8;
  const std::string first = bytes.substr(parts.frames[0].offset, record);
  const std::string second = bytes.substr(parts.frames[1].offset, record);
  ASSERT_EQ(first.substr(0, record - 8), second.substr(0, record - 8));
  std::string swapped = bytes;
  swapped.replace(parts.frames[0].offset, record, second);
  swapped.replace(parts.frames[1].offset, record, first);
  EXPECT_EQ(error_code_of([&] { verify_bytes(swapped); }), errc::corrupt);
}

TEST(FrameReader, RawSizeAboveTheFrameLimitIsRefused) {
  sample s;
  testing::set_le32(s.bytes, s.parts.frames[0].offset + 1, 0x7fffffffu);
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), &message), errc::limit_exceeded);
  EXPECT_NE(message.find("max_frame_bytes"), std::string::npos) << message;
}

TEST(FrameReader, StoredSizeAboveTheFrameLimitIsRefused) {
  sample s;
  testing::set_le32(s.bytes, s.parts.frames[0].offset + 5, 0xffffffffu);
  EXPECT_EQ(read_error(s.bytes, s.payload.size()), errc::limit_exceeded);
}

TEST(FrameReader, LimitsComeFromTheLoadOptions) {
  sample s;
  load_options options;
  options.max_frame_bytes = small_frame - 1;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), nullptr, options), errc::limit_exceeded);
  options = {};
  options.max_raw_bytes = s.payload.size() - 1;
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), &message, options), errc::limit_exceeded);
  EXPECT_NE(message.find("max_raw_bytes"), std::string::npos) << message;
  options.max_raw_bytes = s.payload.size();
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), nullptr, options), std::nullopt);
}

TEST(FrameReader, UnknownFrameKindIsCorrupt) {
  sample s;
  s.bytes[s.parts.frames[1].offset] = 7;
  EXPECT_EQ(read_error(s.bytes, s.payload.size()), errc::corrupt);
}

TEST(FrameReader, ZstdFrameOfAnotherSizeIsCorruptEvenWithAValidHash) {
  sample s;
  const testing::frame_record& frame = s.parts.frames[0];
  testing::set_le32(s.bytes, frame.offset + 1, frame.raw_size - 1);
  testing::reseal_frame(s.bytes, frame, 0);
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), &message), errc::corrupt);
  EXPECT_NE(message.find("zstd frame"), std::string::npos) << message;
}

TEST(FrameReader, GarbageZstdBytesWithAValidHashAreCorrupt) {
  sample s;
  const testing::frame_record& frame = s.parts.frames[1];
  s.bytes[frame.offset + 9 + frame.stored_size / 2] ^= 0x55;
  testing::reseal_frame(s.bytes, frame, 1);
  EXPECT_EQ(read_error(s.bytes, s.payload.size()), errc::corrupt);
}

TEST(FrameReader, StoredFrameWithDifferentSizesIsCorrupt) {
  const std::string payload = testing::random_bytes(100);
  std::string bytes = snapshot_bytes(payload, options_with(0, 0));
  const testing::frame_record frame = walk(bytes).frames[0];
  testing::set_le32(bytes, frame.offset + 1, 99);
  testing::reseal_frame(bytes, frame, 0);
  EXPECT_EQ(read_error(bytes, 99), errc::corrupt);
}

TEST(FrameReader, TruncationInsideAFrameIsTruncated) {
  sample s;
  std::string message;
  EXPECT_EQ(read_error(s.bytes.substr(0, s.parts.frames[1].offset + 30), s.payload.size(), &message),
            errc::truncated);
  EXPECT_EQ(message.rfind("snap: ", 0), 0u) << message;
  EXPECT_NE(message.find("frame 1"), std::string::npos) << message;
  EXPECT_EQ(read_error(s.bytes.substr(0, s.parts.frames[1].offset + 4), s.payload.size()), errc::truncated);
}

TEST(FrameReader, TruncationInsideTheTrailerIsTruncated) {
  sample s;
  std::string message;
  EXPECT_EQ(read_error(s.bytes.substr(0, s.bytes.size() - 1), s.payload.size(), &message), errc::truncated);
  EXPECT_NE(message.find("trailer"), std::string::npos) << message;
  EXPECT_EQ(read_error(s.bytes.substr(0, s.parts.trailer_offset + 3), s.payload.size()), errc::truncated);
  EXPECT_EQ(read_error(s.bytes.substr(0, s.parts.trailer_offset), s.payload.size()), errc::truncated);
}

TEST(FrameReader, ReadingPastThePayloadIsTruncated) {
  sample s;
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size() + 1, &message), errc::truncated);
  EXPECT_EQ(message.rfind("snap: ", 0), 0u) << message;
}

TEST(FrameReader, PayloadLeftUnreadAtFinishIsCorrupt) {
  sample s;
  for (std::size_t unread : {std::size_t{1}, std::size_t{100}, s.payload.size()}) {
    std::string message;
    EXPECT_EQ(read_error(s.bytes, s.payload.size() - unread, &message), errc::corrupt);
    EXPECT_NE(message.find("payload has " + std::to_string(unread) + " bytes the archive did not read"),
              std::string::npos)
        << message;
  }
}

TEST(FrameReader, ContentHashMismatchIsCorrupt) {
  sample s;
  s.bytes[s.parts.trailer_offset + 20] ^= 1;
  testing::reseal_trailer(s.bytes, s.parts.trailer_offset);
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), &message), errc::corrupt);
  EXPECT_NE(message.find("content hash"), std::string::npos) << message;
}

TEST(FrameReader, TrailerTotalsMustMatchTheFrames) {
  sample s;
  std::string wrong_size = s.bytes;
  testing::set_le64(wrong_size, s.parts.trailer_offset + 1, s.payload.size() + 1);
  testing::reseal_trailer(wrong_size, s.parts.trailer_offset);
  EXPECT_EQ(read_error(wrong_size, s.payload.size()), errc::corrupt);

  std::string wrong_count = s.bytes;
  testing::set_le64(wrong_count, s.parts.trailer_offset + 9, s.parts.frames.size() - 1);
  testing::reseal_trailer(wrong_count, s.parts.trailer_offset);
  EXPECT_EQ(read_error(wrong_count, s.payload.size()), errc::corrupt);
}

TEST(FrameReader, DroppedFrameIsCaught) {
  sample s;
  const std::size_t begin = s.parts.frames[2].offset;
  std::string bytes = s.bytes;
  bytes.erase(begin, s.parts.trailer_offset - begin);
  EXPECT_EQ(error_code_of([&] { verify_bytes(bytes); }), errc::corrupt);
}

TEST(FrameReader, TrailerChecksumMismatchIsCorrupt) {
  sample s;
  s.bytes[s.bytes.size() - 3] ^= 4;
  std::string message;
  EXPECT_EQ(read_error(s.bytes, s.payload.size(), &message), errc::corrupt);
  EXPECT_NE(message.find("trailer checksum"), std::string::npos) << message;
}

// --- verify ------------------------------------------------------------------------

TEST(Verify, ReportsWhatTheWriterReported) {
  const std::string payload = make_payload(100000);
  memfile file;
  const snapshot_info written = write_payload(file.fd(), payload, options_with(3, 2));
  memfile copy(file.contents() + "more");
  const snapshot_info verified = verify(copy.fd(), "copy", {});
  EXPECT_EQ(verified.hash, written.hash);
  EXPECT_EQ(verified.raw_bytes, written.raw_bytes);
  EXPECT_EQ(verified.stored_bytes, written.stored_bytes);
  EXPECT_EQ(verified.root_type, "Scheduler");
  EXPECT_EQ(copy.position(), static_cast<off_t>(written.stored_bytes));
}

TEST(Verify, FindsADamagedFrame) {
  sample s;
  s.bytes[s.parts.frames[2].offset + 12] ^= 1;
  EXPECT_EQ(error_code_of([&] { verify_bytes(s.bytes); }), errc::corrupt);
}

}  // namespace
}  // namespace respawn::format
