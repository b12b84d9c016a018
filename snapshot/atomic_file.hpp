// Atomic replacement of a file: write into a temporary file beside the target,
// then fsync, rename over the target and fsync the folder. Readers see the old
// file or the complete new one, also when the writer is killed mid-way.
#pragma once

#include <filesystem>

namespace respawn::detail {

class atomic_file {
 public:
  // Creates the temporary file (mode 0600, close-on-exec) in target's folder.
  explicit atomic_file(std::filesystem::path target);
  // Removes the temporary file unless commit() succeeded.
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  int fd() const { return fd_; }
  // fsync, close, rename over the target, fsync the folder. Throws io_error.
  // The file the rename replaces is closed on a thread of its own, which frees
  // its blocks after commit() returns.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace respawn::detail
