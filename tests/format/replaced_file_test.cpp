// A commit holds the file it replaces open across the rename and the folder's
// sync, so that neither frees that file's blocks on the saving thread, and
// closes it on a thread of its own (decision 14). The test interposes rename()
// and fsync() (this executable's definitions win over the C library's for
// respawn's calls too) to see which files the process holds when they run.
#include <dirent.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "format/fd_io.hpp"
#include "snapshot/atomic_file.hpp"
#include "test_util.hpp"

namespace replaced_file_test {

struct file_id {
  dev_t device = 0;
  ino_t inode = 0;
};

// The file this process had open under rename()'s target when rename() ran.
bool target_was_open = false;
int renames = 0;
int fail_with = 0;  // an errno to fail rename() with, or 0

// Whether the process held `watched` when it last synced a folder.
bool watching = false;
file_id watched;
int folder_syncs = 0;
bool watched_open_at_folder_sync = false;

file_id id_of(const struct stat& info) { return {info.st_dev, info.st_ino}; }

// Whether a descriptor of this process is open on the file, even one whose
// last name is gone.
bool open_in_process(file_id file) {
  DIR* fds = ::opendir("/proc/self/fd");
  if (fds == nullptr) return false;
  bool found = false;
  while (const dirent* entry = ::readdir(fds)) {
    struct stat info {};
    const std::string link = std::string("/proc/self/fd/") + entry->d_name;
    if (entry->d_name[0] != '.' && ::stat(link.c_str(), &info) == 0 && info.st_dev == file.device &&
        info.st_ino == file.inode) {
      found = true;
    }
  }
  ::closedir(fds);
  return found;
}

}  // namespace replaced_file_test

extern "C" int rename(const char* from, const char* to) {
  using namespace replaced_file_test;
  ++renames;
  struct stat target {};
  target_was_open = ::lstat(to, &target) == 0 && open_in_process(id_of(target));
  if (fail_with != 0) {
    errno = fail_with;
    return -1;
  }
  using real_type = int (*)(const char*, const char*);
  static const auto real = reinterpret_cast<real_type>(::dlsym(RTLD_NEXT, "rename"));
  return real(from, to);
}

extern "C" int fsync(int fd) {
  using namespace replaced_file_test;
  struct stat info {};
  if (watching && ::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ++folder_syncs;
    // Time for a thread that was told to release the file before this sync to do it.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    watched_open_at_folder_sync = open_in_process(watched);
  }
  using real_type = int (*)(int);
  static const auto real = reinterpret_cast<real_type>(::dlsym(RTLD_NEXT, "fsync"));
  return real(fd);
}

namespace replaced_file_test {
namespace {

namespace fs = std::filesystem;
using respawn::detail::atomic_file;
using respawn::testing::read_file;
using respawn::testing::temp_dir;
using respawn::testing::write_file;

class ReplacedFile : public ::testing::Test {
 protected:
  void SetUp() override {
    target_was_open = false;
    renames = 0;
    fail_with = 0;
    watching = false;
    folder_syncs = 0;
    watched_open_at_folder_sync = false;
  }

  // Replaces `target` with a file holding `text` through an atomic_file.
  static void commit(const fs::path& target, const std::string& text) {
    atomic_file file(target);
    respawn::format::write_all(file.fd(), text.data(), text.size(), "test");
    file.commit();
  }

  static file_id id_of_path(const fs::path& file) {
    struct stat info {};
    EXPECT_EQ(::lstat(file.c_str(), &info), 0) << file;
    return id_of(info);
  }

  // Waits until no descriptor of the process is open on the file.
  static bool released(file_id file) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (open_in_process(file)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  temp_dir folder_;
};

TEST_F(ReplacedFile, TheOldTargetIsHeldAcrossTheRenameThenReleased) {
  const fs::path target = folder_ / "state.snap";
  write_file(target, "old");
  const file_id old = id_of_path(target);
  commit(target, "new");
  ASSERT_EQ(renames, 1);
  EXPECT_TRUE(target_was_open) << "the rename dropped the old file's last reference on the saving thread";
  EXPECT_TRUE(released(old)) << "the old file is still open 10 s after the commit";
  EXPECT_EQ(read_file(target), "new");
}

// Freeing the old file's blocks inside the journal commit that the folder's
// sync waits for cost that sync 10-14 ms on ext4 mounted with discard.
TEST_F(ReplacedFile, TheOldTargetIsHeldUntilTheFolderIsSynced) {
  const fs::path target = folder_ / "state.snap";
  write_file(target, "old");
  watched = id_of_path(target);
  watching = true;
  commit(target, "new");
  watching = false;
  ASSERT_EQ(folder_syncs, 1);
  EXPECT_TRUE(watched_open_at_folder_sync) << "the old file was released before the folder's sync";
  EXPECT_TRUE(released(watched)) << "the old file is still open 10 s after the commit";
}

TEST_F(ReplacedFile, ANewTargetHoldsNothing) {
  commit(folder_ / "state.snap", "new");
  ASSERT_EQ(renames, 1);
  EXPECT_FALSE(target_was_open);
  EXPECT_EQ(read_file(folder_ / "state.snap"), "new");
}

TEST_F(ReplacedFile, ALinkIsReplacedAndWhatItNamesIsNeitherHeldNorChanged) {
  const fs::path other = folder_ / "other";
  write_file(other, "other");
  fs::create_symlink(other, folder_ / "state.snap");
  const file_id link = id_of_path(folder_ / "state.snap");
  commit(folder_ / "state.snap", "new");
  EXPECT_FALSE(target_was_open);
  EXPECT_FALSE(open_in_process(id_of_path(other)));
  EXPECT_FALSE(open_in_process(link));
  EXPECT_FALSE(fs::is_symlink(folder_ / "state.snap"));
  EXPECT_EQ(read_file(folder_ / "state.snap"), "new");
  EXPECT_EQ(read_file(other), "other");
}

TEST_F(ReplacedFile, AFifoIsReplacedWithoutBeingHeld) {
  const fs::path target = folder_ / "state.snap";
  ASSERT_EQ(::mkfifo(target.c_str(), 0600), 0);
  const file_id fifo = id_of_path(target);
  commit(target, "new");
  EXPECT_FALSE(target_was_open);
  EXPECT_FALSE(open_in_process(fifo));
  EXPECT_EQ(read_file(target), "new");
}

// A file with another name keeps its blocks after the rename: nothing to wait
// for, and nothing to hold.
TEST_F(ReplacedFile, AnOldTargetWithAnotherNameIsNotHeld) {
  const fs::path target = folder_ / "state.snap";
  write_file(target, "old");
  fs::create_hard_link(target, folder_ / "kept");
  commit(target, "new");
  EXPECT_FALSE(target_was_open);
  EXPECT_EQ(read_file(folder_ / "kept"), "old");
  EXPECT_EQ(read_file(target), "new");
}

TEST_F(ReplacedFile, AFailedRenameReleasesTheOldTargetAtOnce) {
  const fs::path target = folder_ / "state.snap";
  write_file(target, "old");
  const file_id old = id_of_path(target);
  fail_with = EIO;
  {
    atomic_file file(target);
    EXPECT_THROW(file.commit(), respawn::error);
    EXPECT_TRUE(target_was_open);
    EXPECT_FALSE(open_in_process(old)) << "the commit failed and kept the old target open";
  }
  EXPECT_EQ(read_file(target), "old");
}

}  // namespace
}  // namespace replaced_file_test
