#include "format/fd_io.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace respawn::format {
namespace {

// Blocks SIGPIPE in this thread while it lives. discard_raised() drops a
// SIGPIPE that a failed write made pending, unless one was pending already
// (that one belongs to someone else and is delivered when the mask returns).
class sigpipe_blocker {
 public:
  sigpipe_blocker() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe_, &previous_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~sigpipe_blocker() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  sigpipe_blocker(const sigpipe_blocker&) = delete;
  sigpipe_blocker& operator=(const sigpipe_blocker&) = delete;

  void discard_raised() {
    if (was_pending_) return;
    const timespec no_wait{};
    while (sigtimedwait(&sigpipe_, nullptr, &no_wait) == -1 && errno == EINTR) {
    }
  }

 private:
  sigset_t sigpipe_;
  sigset_t previous_;
  bool was_pending_ = false;
};

// Waits until a non-blocking descriptor is ready for `events`.
void wait_ready(int fd, short events, std::string_view name) {
  pollfd entry{fd, events, 0};
  while (poll(&entry, 1, -1) == -1) {
    if (errno != EINTR) throw io_error(name, "poll failed", errno);
  }
}

}  // namespace

error io_error(std::string_view name, std::string_view action, int err) {
  std::string message(name);
  message.append(": ").append(action).append(": ").append(std::generic_category().message(err));
  return error(errc::io_error, message);
}

void write_all(int fd, const void* data, std::size_t size, std::string_view name) {
  sigpipe_blocker blocker;
  const char* next = static_cast<const char*>(data);
  while (size != 0) {
    const ssize_t written = ::write(fd, next, size);
    if (written >= 0) {
      next += written;
      size -= static_cast<std::size_t>(written);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_ready(fd, POLLOUT, name);
    } else if (errno != EINTR) {
      const int err = errno;
      if (err == EPIPE) blocker.discard_raised();
      throw io_error(name, "write failed", err);
    }
  }
}

std::size_t read_up_to(int fd, void* data, std::size_t size, std::string_view name) {
  char* next = static_cast<char*>(data);
  std::size_t total = 0;
  while (total < size) {
    const ssize_t got = ::read(fd, next + total, size - total);
    if (got > 0) {
      total += static_cast<std::size_t>(got);
    } else if (got == 0) {
      break;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_ready(fd, POLLIN, name);
    } else if (errno != EINTR) {
      throw io_error(name, "read failed", errno);
    }
  }
  return total;
}

void read_exact(int fd, void* data, std::size_t size, std::string_view name, std::string_view what) {
  const std::size_t got = read_up_to(fd, data, size, name);
  if (got == size) return;
  std::string message(name);
  message.append(": the input ends inside ")
      .append(what)
      .append(" (")
      .append(std::to_string(got))
      .append(" of ")
      .append(std::to_string(size))
      .append(" bytes)");
  throw error(errc::truncated, message);
}

}  // namespace respawn::format
