#include "snapshot/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <thread>

#include "format/fd_io.hpp"

namespace respawn::detail {
namespace {

// mkostemp replaces these with six characters of [A-Za-z0-9].
constexpr char random_suffix[] = "XXXXXX";
constexpr std::size_t random_length = sizeof random_suffix - 1;

std::filesystem::path folder_of(const std::filesystem::path& target) {
  std::filesystem::path folder = target.parent_path();
  return folder.empty() ? std::filesystem::path(".") : folder;
}

// The temporaries of `target` are ".<name>.tmp-" followed by mkostemp's six
// characters. The leading dot keeps them out of plain listings; the target's
// name in them tells whoever finds one where it came from.
std::string temporary_prefix(const std::filesystem::path& target) {
  return "." + target.filename().string() + ".tmp-";
}

bool is_temporary_of(const char* entry, const std::string& prefix) {
  const std::string name(entry);
  if (name.size() != prefix.size() + random_length || name.compare(0, prefix.size(), prefix) != 0)
    return false;
  for (std::size_t i = prefix.size(); i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// An exclusive lock on the whole file, owned by the open file description
// (an OFD lock): the kernel drops it when the description is closed, which
// happens however the process ends, SIGKILL included; and unlike a classic
// POSIX lock it conflicts with a second description opened by the same
// process, so two saves in one process see each other. Returns 0 or errno.
int lock_exclusively(int fd, bool wait) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file, however long
  for (;;) {
    if (::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock) == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Removes the temporaries that saves of `target` killed before their rename
// left behind. A live save holds the lock on its temporary from just after
// creating it until it is renamed or removed, so a temporary whose lock can be
// taken has no writer; one that cannot be locked (a live writer, or a file
// system without locks) is left alone. Best effort: nothing here fails a save.
void remove_stale_temporaries(const std::filesystem::path& target) {
  DIR* folder = ::opendir(folder_of(target).c_str());
  if (folder == nullptr) return;
  const int folder_fd = ::dirfd(folder);
  const std::string prefix = temporary_prefix(target);
  const uid_t me = ::geteuid();
  while (const dirent* entry = ::readdir(folder)) {
    if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    if (!is_temporary_of(entry->d_name, prefix)) continue;
    // O_NOFOLLOW and O_NONBLOCK: never follow a symbolic link or wait on a FIFO
    // that happens to carry the name; only our own regular files are touched.
    const int fd = ::openat(folder_fd, entry->d_name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd == -1) continue;
    struct stat opened {};
    struct stat named {};
    // With the lock held no writer can own the file, and a writer that creates
    // it anew checks after locking that its name still exists (see below). The
    // name must still be this file: another cleaner may have removed it, and a
    // new save may have drawn the same name since.
    if (::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode) && opened.st_uid == me &&
        lock_exclusively(fd, false) == 0 &&
        ::fstatat(folder_fd, entry->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 && same_file(opened, named)) {
      ::unlinkat(folder_fd, entry->d_name, 0);
    }
    ::close(fd);  // drops the lock, after the unlink
  }
  ::closedir(folder);
}

// The file a commit replaces, opened before the rename so that the rename does
// not drop its last reference: then the file system frees its blocks when
// this descriptor is closed instead of inside rename(), which took 12-15 ms
// for a 25 MB snapshot on ext4, nearly all of it waiting for the disk
// (decision 14). O_PATH holds the file without opening it for reading, so a
// device or FIFO that happens to carry the name is never really opened, and
// O_NOFOLLOW holds a link itself, as rename() replaces the link and not what
// it names. -1 when there is nothing worth holding: no target, one that is
// not a regular file, or one that keeps other links.
int open_replaced_file(const std::filesystem::path& target) {
  const int fd = ::open(target.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd == -1) return -1;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_nlink != 1) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Closes the replaced file on a thread of its own, which touches nothing but
// the descriptor, so that the save returns without waiting for the blocks to
// be freed. Where no thread can be started, closes it here.
void close_in_background(int fd) noexcept {
  if (fd == -1) return;
  try {
    std::thread([fd] { ::close(fd); }).detach();
  } catch (const std::system_error&) {
    ::close(fd);
  }
}

// A crash after rename() but before the folder's entry reaches the disk can
// bring back the old file; syncing the folder makes the rename durable.
void sync_folder(const std::filesystem::path& folder, const std::string& name) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd == -1) throw format::io_error(name, "cannot open folder " + folder.string() + " to sync it", errno);
  const int synced = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (synced == -1) throw format::io_error(name, "cannot sync folder " + folder.string(), err);
}

}  // namespace

atomic_file::atomic_file(std::filesystem::path target) : target_(std::move(target)) {
  const std::string name = target_.string();
  if (!target_.has_filename()) {
    throw format::io_error(name, "cannot create a temporary file: the path names no file", EISDIR);
  }
  // Before creating our own: then a save killed at any moment leaves at most
  // one temporary beside the target, whatever earlier kills left.
  remove_stale_temporaries(target_);
  const std::string like = (folder_of(target_) / (temporary_prefix(target_) + random_suffix)).string();
  for (;;) {
    std::string pattern = like;
    fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ == -1) throw format::io_error(name, "cannot create a temporary file like " + like, errno);
    // mkostemp's mode is subject to the umask; a snapshot is private to its owner.
    if (::fchmod(fd_, 0600) == -1) {
      const int err = errno;
      ::close(fd_);  // no destructor runs for a constructor that throws
      ::unlink(pattern.c_str());
      throw format::io_error(name, "cannot set mode 0600 on " + pattern, err);
    }
    // The lock marks the file as a live writer's (remove_stale_temporaries).
    // Between mkostemp and here another save may have found it unlocked and
    // removed it: then the file has no name left, and we make another. Where
    // the file system has no such locks, nobody can remove it either.
    struct stat info {};
    if (lock_exclusively(fd_, true) == 0 && ::fstat(fd_, &info) == 0 && info.st_nlink == 0) {
      ::close(fd_);
      continue;
    }
    temporary_ = pattern;
    return;
  }
}

atomic_file::~atomic_file() {
  // Unlink before close: the lock keeps cleaners away until the name is gone.
  if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
  if (fd_ != -1) ::close(fd_);
}

void atomic_file::commit() {
  const std::string name = target_.string();
  if (::fsync(fd_) == -1) throw format::io_error(name, "cannot sync " + temporary_.string(), errno);
  // The lock belongs to the open file description, which a duplicate keeps
  // open (and the temporary locked) until its name is gone; fd_ is closed
  // first because on some file systems (NFS) close() reports write errors, and
  // a file that failed must not replace the target.
  const int holder = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  const int closed = ::close(fd_);
  const int close_error = errno;
  fd_ = holder;  // -1 if it could not be duplicated: then the lock is gone a moment early
  if (closed == -1) throw format::io_error(name, "cannot close " + temporary_.string(), close_error);
  const int replaced = open_replaced_file(target_);
  if (::rename(temporary_.c_str(), target_.c_str()) == -1) {
    const int err = errno;
    if (replaced != -1) ::close(replaced);
    throw format::io_error(name, "cannot rename " + temporary_.string() + " over it", err);
  }
  committed_ = true;
  if (fd_ != -1) ::close(fd_);
  fd_ = -1;
  // The old file is released after the folder's sync, not before: freeing its
  // blocks (and discarding them, where the file system does) would otherwise
  // join the journal commit that sync waits for, 10-14 ms for a 25 MB snapshot
  // on ext4 mounted with discard (decision 14).
  try {
    sync_folder(folder_of(target_), name);
  } catch (...) {
    close_in_background(replaced);
    throw;
  }
  close_in_background(replaced);
}

}  // namespace respawn::detail
