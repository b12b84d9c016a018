#include "snapshot/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "format/fd_io.hpp"

namespace respawn::detail {
namespace {

std::filesystem::path folder_of(const std::filesystem::path& target) {
  std::filesystem::path folder = target.parent_path();
  return folder.empty() ? std::filesystem::path(".") : folder;
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
  // The leading dot keeps the temporary out of plain listings; the target's
  // name in it tells whoever finds a leftover where it came from.
  std::string pattern = (folder_of(target_) / ("." + target_.filename().string() + ".tmp-XXXXXX")).string();
  fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd_ == -1) throw format::io_error(name, "cannot create a temporary file like " + pattern, errno);
  // mkostemp's mode is subject to the umask; a snapshot is private to its owner.
  if (::fchmod(fd_, 0600) == -1) {
    const int err = errno;
    ::close(fd_);  // no destructor runs for a constructor that throws
    ::unlink(pattern.c_str());
    throw format::io_error(name, "cannot set mode 0600 on " + pattern, err);
  }
  temporary_ = pattern;
}

atomic_file::~atomic_file() {
  if (fd_ != -1) ::close(fd_);
  if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

void atomic_file::commit() {
  const std::string name = target_.string();
  if (::fsync(fd_) == -1) throw format::io_error(name, "cannot sync " + temporary_.string(), errno);
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed == -1) throw format::io_error(name, "cannot close " + temporary_.string(), errno);
  if (::rename(temporary_.c_str(), target_.c_str()) == -1) {
    throw format::io_error(name, "cannot rename " + temporary_.string() + " over it", errno);
  }
  committed_ = true;
  sync_folder(folder_of(target_), name);
}

}  // namespace respawn::detail
