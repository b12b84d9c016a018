// Whole reads and writes over pipes, where short transfers, EAGAIN and EPIPE
// really happen.
#include "format/fd_io.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "format_test_util.hpp"

namespace respawn::format {
namespace {

using testing::error_code_of;

class Pipe : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe2(fds_, O_CLOEXEC), 0); }
  void TearDown() override {
    close_read();
    close_write();
  }
  void close_read() { close_end(fds_[0]); }
  void close_write() { close_end(fds_[1]); }
  void set_nonblocking(int fd) { ASSERT_EQ(::fcntl(fd, F_SETFL, O_NONBLOCK), 0); }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }

 private:
  static void close_end(int& fd) {
    if (fd != -1) ::close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

// More than the pipe holds, so both sides see partial transfers.
TEST_F(Pipe, LargeTransferArrivesWhole) {
  const std::string data = testing::random_bytes(1 << 20);
  std::thread writer([&] {
    write_all(write_end(), data.data(), data.size(), "pipe");
    close_write();
  });
  std::string read(data.size(), '\0');
  read_exact(read_end(), read.data(), read.size(), "pipe", "the test data");
  writer.join();
  EXPECT_TRUE(read == data);
  char extra;
  EXPECT_EQ(read_up_to(read_end(), &extra, 1, "pipe"), 0u);
}

TEST_F(Pipe, NonBlockingDescriptorsAreWaitedFor) {
  set_nonblocking(read_end());
  set_nonblocking(write_end());
  const std::string data = testing::random_bytes(1 << 20);
  std::thread writer([&] {
    write_all(write_end(), data.data(), data.size(), "pipe");
    close_write();
  });
  std::string read(data.size(), '\0');
  EXPECT_EQ(read_up_to(read_end(), read.data(), read.size(), "pipe"), data.size());
  writer.join();
  EXPECT_TRUE(read == data);
}

TEST_F(Pipe, ReadUpToStopsAtTheEnd) {
  write_all(write_end(), "abc", 3, "pipe");
  close_write();
  char bytes[8];
  EXPECT_EQ(read_up_to(read_end(), bytes, sizeof bytes, "pipe"), 3u);
  EXPECT_EQ(std::string(bytes, 3), "abc");
}

TEST_F(Pipe, ReadExactReportsTruncationWithWhatAndSizes) {
  write_all(write_end(), "abc", 3, "pipe");
  close_write();
  char bytes[8];
  std::string message;
  EXPECT_EQ(error_code_of([&] { read_exact(read_end(), bytes, sizeof bytes, "fd 7", "frame 2"); }, &message),
            errc::truncated);
  EXPECT_EQ(message, "fd 7: the input ends inside frame 2 (3 of 8 bytes)");
}

// With SIGPIPE at its default action, a write to a closed pipe would kill the
// test; write_all must turn it into EPIPE and leave no SIGPIPE pending.
TEST_F(Pipe, ClosedReaderIsAnIoErrorNotASignal) {
  close_read();
  ASSERT_EQ(::signal(SIGPIPE, SIG_DFL), SIG_DFL);
  std::string message;
  EXPECT_EQ(error_code_of([&] { write_all(write_end(), "abc", 3, "fd 4"); }, &message), errc::io_error);
  EXPECT_EQ(message, "fd 4: write failed: Broken pipe");
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

TEST(FdIo, BadDescriptorIsAnIoErrorWithStrerror) {
  char byte;
  std::string message;
  EXPECT_EQ(error_code_of([&] { read_up_to(-1, &byte, 1, "fd -1"); }, &message), errc::io_error);
  EXPECT_EQ(message, "fd -1: read failed: Bad file descriptor");
}

TEST(FdIo, IoErrorMessageNamesTheActionAndTheCause) {
  const error e = io_error("/tmp/x", "cannot rename", ENOENT);
  EXPECT_EQ(e.code(), errc::io_error);
  EXPECT_STREQ(e.what(), "/tmp/x: cannot rename: No such file or directory");
}

}  // namespace
}  // namespace respawn::format
