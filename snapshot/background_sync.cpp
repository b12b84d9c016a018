#include "snapshot/background_sync.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "format/fd_io.hpp"

namespace respawn::format {

background_sync::background_sync(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

background_sync::~background_sync() { stop(); }

void background_sync::request() {
  {
    std::lock_guard lock(mutex_);
    if (error_ != 0 || stopping_) return;
    pending_ = true;
  }
  if (thread_.joinable()) {
    wake_.notify_one();
    return;
  }
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error&) {
    // Only a head start: without a thread the commit's fsync does all the work.
    std::lock_guard lock(mutex_);
    pending_ = false;
  }
}

void background_sync::finish() {
  stop();
  if (error_ != 0) throw io_error(name_, "cannot sync the bytes written so far", error_);
}

void background_sync::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    // fdatasync and not fsync: what matters here is the data; the commit's
    // fsync writes the inode's last state.
    const int result = ::fdatasync(fd_);
    const int err = errno;
    lock.lock();
    if (result == -1 && err != EINTR) {
      error_ = err;
      return;
    }
  }
}

void background_sync::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace respawn::format
