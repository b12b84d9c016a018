// A save to a file syncs what it has written every few MiB on a thread of its
// own (background_sync, decision 15), so that the fsync() committing it has
// little left to wait for; a save to a descriptor leaves the caller's file
// alone. The test interposes fdatasync() (this executable's definition wins
// over the C library's for respawn's calls too) to see which thread syncs and
// when, to hold a sync in progress, and to make one fail.
#include "snapshot/background_sync.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "format/fd_io.hpp"
#include "format/format_test_util.hpp"
#include "respawn/respawn.hpp"
#include "snapshot/frame_writer.hpp"
#include "test_util.hpp"

namespace background_sync_test {

struct Blob {
  std::vector<std::uint8_t> bytes;
};

std::atomic<int> calls{0};
std::atomic<int> fail_with{0};  // an errno to fail fdatasync() with, or 0

// While closed, fdatasync() waits at the gate before syncing.
std::mutex gate_mutex;
std::thread::id last_caller;  // of fdatasync(), guarded by gate_mutex
std::condition_variable gate_changed;
bool gate_open = true;

std::thread::id last_caller_id() {
  std::lock_guard lock(gate_mutex);
  return last_caller;
}

void set_gate(bool open) {
  {
    std::lock_guard lock(gate_mutex);
    gate_open = open;
  }
  gate_changed.notify_all();
}

}  // namespace background_sync_test

extern "C" int fdatasync(int fd) {
  using namespace background_sync_test;
  {
    std::unique_lock lock(gate_mutex);
    last_caller = std::this_thread::get_id();
    ++calls;
    gate_changed.wait(lock, [] { return gate_open; });
  }
  if (const int err = fail_with.load(); err != 0) {
    errno = err;
    return -1;
  }
  using real_type = int (*)(int);
  static const auto real = reinterpret_cast<real_type>(::dlsym(RTLD_NEXT, "fdatasync"));
  return real(fd);
}

template <>
struct respawn::policy<background_sync_test::Blob> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&background_sync_test::Blob::bytes, "bytes"));
};

namespace background_sync_test {
namespace {

using respawn::errc;
using respawn::format::background_sync;
using respawn::testing::expect_error;
using respawn::testing::read_file;
using respawn::testing::temp_dir;
using respawn::testing::write_file;

// Waits until fdatasync() has been entered `count` times; false after 10 s.
bool wait_for_calls(int count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (calls.load() < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class BackgroundSync : public ::testing::Test {
 protected:
  void SetUp() override {
    calls = 0;
    fail_with = 0;
    set_gate(true);
    fd_ = ::open((folder_ / "state.snap").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_NE(fd_, -1);
    respawn::format::write_all(fd_, "some bytes", 10, "test");
  }
  void TearDown() override {
    set_gate(true);
    ::close(fd_);
  }

  temp_dir folder_;
  int fd_ = -1;
};

TEST_F(BackgroundSync, ARequestSyncsOnAnotherThreadWithoutWaitingForIt) {
  background_sync sync(fd_, "state.snap");
  set_gate(false);  // a sync that never ends while the gate is closed
  sync.request();   // returns although the sync cannot finish
  ASSERT_TRUE(wait_for_calls(1));
  EXPECT_NE(last_caller_id(), std::this_thread::get_id());
  set_gate(true);
  sync.finish();
  EXPECT_EQ(calls, 1);
}

TEST_F(BackgroundSync, RequestsMadeDuringASyncAreServedByOneMoreSync) {
  background_sync sync(fd_, "state.snap");
  set_gate(false);
  sync.request();
  ASSERT_TRUE(wait_for_calls(1));
  for (int i = 0; i < 3; ++i) sync.request();
  set_gate(true);
  ASSERT_TRUE(wait_for_calls(2));
  sync.finish();
  EXPECT_EQ(calls, 2);
}

TEST_F(BackgroundSync, WithoutRequestsNothingIsSynced) {
  background_sync sync(fd_, "state.snap");
  sync.finish();
  EXPECT_EQ(calls, 0);
}

// The kernel reports a failed write-back to one sync only: the commit's own
// fsync could succeed after it, so finish() must report it.
TEST_F(BackgroundSync, AFailedSyncFailsFinishNamingTheFile) {
  background_sync sync(fd_, "state.snap");
  fail_with = EIO;
  sync.request();
  ASSERT_TRUE(wait_for_calls(1));
  expect_error(errc::io_error, [&] { sync.finish(); }, {"state.snap", "cannot sync", ::strerror(EIO)});
}

TEST_F(BackgroundSync, AfterAFailureRequestsSyncNothing) {
  background_sync sync(fd_, "state.snap");
  fail_with = EIO;
  sync.request();
  ASSERT_TRUE(wait_for_calls(1));
  expect_error(errc::io_error, [&] { sync.finish(); });
  sync.request();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(calls, 1);
}

TEST_F(BackgroundSync, DestroyingItWaitsForTheSyncInProgress) {
  std::atomic<bool> destroyed{false};
  std::thread opener;
  {
    background_sync sync(fd_, "state.snap");
    set_gate(false);
    sync.request();
    ASSERT_TRUE(wait_for_calls(1));
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      EXPECT_FALSE(destroyed);
      set_gate(true);
    });
  }
  destroyed = true;
  opener.join();
}

// --- frame_writer ------------------------------------------------------------

constexpr std::size_t mib = std::size_t{1} << 20;

respawn::save_options stored_frames() {
  respawn::save_options options;
  options.compression_level = 0;  // stored bytes: the file grows by what is written
  options.threads = 0;
  return options;
}

class FrameWriterSync : public BackgroundSync {
 protected:
  // Writes `size` bytes of payload through a frame_writer to the file, waits
  // until fdatasync() has been called `wait_for` times, then finishes.
  void write(respawn::format::destination where, std::size_t size, int wait_for) {
    respawn::format::frame_writer writer(fd_, "state.snap", respawn::format::testing::sample_header(),
                                         stored_frames(), where);
    const std::string payload = respawn::format::testing::make_payload(size);
    writer.write(payload.data(), payload.size());
    ASSERT_TRUE(wait_for_calls(wait_for));
    writer.finish();
  }
};

TEST_F(FrameWriterSync, AFileToSyncIsSyncedEveryFewMiBAsItGrows) {
  write(respawn::format::destination::file_to_sync, 9 * mib, 1);
  EXPECT_NE(last_caller_id(), std::this_thread::get_id());
}

TEST_F(FrameWriterSync, AStreamIsNeverSynced) {
  write(respawn::format::destination::stream, 9 * mib, 0);
  EXPECT_EQ(calls, 0);
}

TEST_F(FrameWriterSync, AFailedSyncFailsTheSave) {
  fail_with = EIO;
  expect_error(errc::io_error, [&] { write(respawn::format::destination::file_to_sync, 9 * mib, 1); },
               {"state.snap", ::strerror(EIO)});
}

// --- save ------------------------------------------------------------------

Blob blob_of(std::size_t size) {
  Blob blob;
  blob.bytes.resize(size);
  for (std::size_t i = 0; i < size; ++i) blob.bytes[i] = static_cast<std::uint8_t>(i * 131 / 7);
  return blob;
}

// The sync thread could lose every race against a 40 MiB save only on a
// machine that runs it not once in tens of milliseconds.
class SaveSync : public BackgroundSync {};

TEST_F(SaveSync, ASaveToAFileIsSyncedAsItIsWritten) {
  const Blob blob = blob_of(40 * mib);
  respawn::save(blob, folder_ / "blob.snap", stored_frames());
  EXPECT_GE(calls, 1);
  EXPECT_NE(last_caller_id(), std::this_thread::get_id());
  EXPECT_EQ(respawn::load<Blob>(folder_ / "blob.snap")->bytes, blob.bytes);
}

// With compression workers (which run at any level), whichever thread writes
// the next frames asks for the syncs: a worker or the caller.
TEST_F(SaveSync, ASaveWithCompressionWorkersIsSyncedToo) {
  const Blob blob = blob_of(40 * mib);
  respawn::save_options options = stored_frames();
  options.threads = 2;
  respawn::save(blob, folder_ / "blob.snap", options);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(respawn::load<Blob>(folder_ / "blob.snap")->bytes, blob.bytes);
}

TEST_F(SaveSync, ASaveToADescriptorLeavesTheFileAlone) {
  respawn::save(blob_of(40 * mib), fd_, stored_frames());
  EXPECT_EQ(calls, 0);
}

TEST_F(SaveSync, AFailedSyncFailsTheSaveAndKeepsTheOldFile) {
  write_file(folder_ / "blob.snap", "old");
  fail_with = EIO;
  expect_error(errc::io_error,
               [&] { respawn::save(blob_of(40 * mib), folder_ / "blob.snap", stored_frames()); },
               {"blob.snap", ::strerror(EIO)});
  EXPECT_GE(calls, 1);
  EXPECT_EQ(read_file(folder_ / "blob.snap"), "old");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder_.path())) ++entries;
  EXPECT_EQ(entries, 2u) << "the temporary is left behind";  // blob.snap and the fixture's state.snap
}

}  // namespace
}  // namespace background_sync_test
