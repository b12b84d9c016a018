// A save to a file starts the write-back of what it has written every few
// MiB, so that the fsync() committing it has little left to wait for; a save
// to a descriptor leaves the caller's file alone. The test interposes
// sync_file_range() to see the requests (this executable's definition wins
// over the C library's for respawn's calls too).
#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace write_back_test {

struct Blob {
  std::vector<std::uint8_t> bytes;
};

struct range {
  off_t offset;
  off_t length;
};

std::vector<range> requests;
int refuse_with = 0;  // an errno to fail every request with, or 0

}  // namespace write_back_test

extern "C" int sync_file_range(int fd, off_t offset, off_t length, unsigned int flags) {
  using write_back_test::refuse_with;
  write_back_test::requests.push_back({offset, length});
  EXPECT_EQ(flags, static_cast<unsigned int>(SYNC_FILE_RANGE_WRITE))
      << "a save never waits for the disk here";
  if (refuse_with != 0) {
    errno = refuse_with;
    return -1;
  }
  using real_type = int (*)(int, off_t, off_t, unsigned int);
  static const auto real = reinterpret_cast<real_type>(::dlsym(RTLD_NEXT, "sync_file_range"));
  return real(fd, offset, length, flags);
}

template <>
struct respawn::policy<write_back_test::Blob> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&write_back_test::Blob::bytes, "bytes"));
};

namespace write_back_test {
namespace {

using respawn::testing::temp_dir;

constexpr std::size_t mib = std::size_t{1} << 20;

Blob blob_of(std::size_t size) {
  Blob blob;
  blob.bytes.resize(size);
  for (std::size_t i = 0; i < size; ++i) blob.bytes[i] = static_cast<std::uint8_t>(i * 131 / 7);
  return blob;
}

respawn::save_options stored() {
  respawn::save_options options;
  options.compression_level = 0;  // the file's size follows the payload's
  return options;
}

class WriteBackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    requests.clear();
    refuse_with = 0;
  }
};

TEST_F(WriteBackTest, ASaveToAFileStartsTheWriteBackOfEveryFewMiBInOrder) {
  temp_dir dir;
  const Blob blob = blob_of(40 * mib);
  const auto info = respawn::save(blob, dir / "blob.snap", stored());

  ASSERT_GE(requests.size(), 4u);  // every 8 MiB of 40
  off_t next = 0;
  for (const range& r : requests) {
    EXPECT_EQ(r.offset, next) << "each request continues where the previous one ended";
    EXPECT_GE(r.length, static_cast<off_t>(8 * mib));
    next = r.offset + r.length;
  }
  EXPECT_LE(static_cast<std::uint64_t>(next), info.stored_bytes);
  EXPECT_EQ(respawn::load<Blob>(dir / "blob.snap")->bytes, blob.bytes);
}

TEST_F(WriteBackTest, ASmallSaveAsksForNothing) {
  temp_dir dir;
  respawn::save(blob_of(mib), dir / "small.snap", stored());
  EXPECT_TRUE(requests.empty());
}

TEST_F(WriteBackTest, ASaveToADescriptorLeavesTheFileAlone) {
  temp_dir dir;
  const int fd = ::open((dir / "fd.snap").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_NE(fd, -1);
  respawn::save(blob_of(40 * mib), fd, stored());
  ::close(fd);
  EXPECT_TRUE(requests.empty());
}

TEST_F(WriteBackTest, AFileSystemThatRefusesIsAskedOnceAndTheSaveSucceeds) {
  temp_dir dir;
  refuse_with = EINVAL;
  const Blob blob = blob_of(40 * mib);
  respawn::save(blob, dir / "refused.snap", stored());
  EXPECT_EQ(requests.size(), 1u);
  EXPECT_EQ(respawn::load<Blob>(dir / "refused.snap")->bytes, blob.bytes);
}

}  // namespace
}  // namespace write_back_test
