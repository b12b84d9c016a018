// Small POSIX helpers of the spawn module: a descriptor that closes itself,
// and the words for how a process ended.
#pragma once

#include <unistd.h>

#include <string>
#include <utility>

namespace respawn::spawn_detail {

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  ~unique_fd() { reset(); }
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }

  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// "exited with code 3", "was killed by signal 9 (Killed)", from a waitpid status.
std::string describe_status(int status);

}  // namespace respawn::spawn_detail
