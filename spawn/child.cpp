// respawn::child: waiting for a spawned process, and killing one nobody waits for.
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "respawn/error.hpp"
#include "respawn/spawn.hpp"
#include "spawn/process.hpp"

namespace respawn {

child::child(child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      program_(std::move(other.program_)),
      reaped_(other.reaped_),
      status_(other.status_),
      wait_error_(other.wait_error_) {}

child& child::operator=(child&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    program_ = std::move(other.program_);
    reaped_ = other.reaped_;
    status_ = other.status_;
    wait_error_ = other.wait_error_;
  }
  return *this;
}

child::~child() { kill_and_reap(); }

int child::wait() {
  if (pid_ <= 0) throw error(errc::io_error, "respawn::child::wait: this child holds no process");
  reap();
  return result();
}

void child::reap() noexcept {
  while (!reaped_) {
    if (::waitpid(pid_, &status_, 0) == pid_) {
      reaped_ = true;
    } else if (errno != EINTR) {
      wait_error_ = errno;
      reaped_ = true;
    }
  }
}

int child::result() const {
  const std::string who = program_ + " (pid " + std::to_string(pid_) + ")";
  if (wait_error_ != 0) {
    throw error(errc::io_error,
                "cannot wait for " + who + ": " + std::strerror(wait_error_) +
                    (wait_error_ == ECHILD ? " (is SIGCHLD ignored, or was it reaped elsewhere?)" : ""));
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  throw error(errc::io_error, who + " " + spawn_detail::describe_status(status_));
}

// SIGKILL and not SIGTERM: a destructor must not wait on a child that may
// ignore or handle SIGTERM slowly, and the child's state is the parent's to
// lose anyway.
void child::kill_and_reap() noexcept {
  if (pid_ <= 0 || reaped_) return;
  ::kill(pid_, SIGKILL);
  reap();
}

}  // namespace respawn
