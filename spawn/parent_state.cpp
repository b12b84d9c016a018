// The child's side of the hand-off: finding the state's descriptor, and
// confirming (or reporting the failure of) the restore to the parent.
//
// The confirmation channel carries one message, then closes:
//   "k"                         the state is restored
//   "e<errc name>\n<message>"   the restore threw; spawn() rethrows it in the parent
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "format/fd_io.hpp"
#include "respawn/error.hpp"
#include "respawn/spawn.hpp"

namespace respawn {

bool spawned_by_parent() { return std::getenv(kStateFdVariable) != nullptr; }

namespace detail {

namespace {

// Takes `variable` out of the environment; returns its value, if it was set.
std::optional<std::string> take_variable(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr) return std::nullopt;
  std::string text = value;
  ::unsetenv(variable);
  return text;
}

// The descriptor `text` names, checked to be open and usable in `mode`
// (O_RDONLY or O_WRONLY), and made close-on-exec: spawn cleared the flag to
// pass it through exec, and a program this process starts must not hold it.
int open_descriptor(const char* variable, const std::string& text, int mode) {
  const std::string where = std::string("restore_from_parent: ") + variable + "=\"" + text + "\"";
  int fd = -1;
  const auto [end, result] = std::from_chars(text.data(), text.data() + text.size(), fd);
  if (result != std::errc() || end != text.data() + text.size() || fd < 0) {
    throw error(errc::io_error, where + " is not a descriptor number");
  }
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
    throw error(errc::io_error, where + ": descriptor " + std::to_string(fd) + " is not open");
  }
  const int access = ::fcntl(fd, F_GETFL) & O_ACCMODE;
  if (access != mode && access != O_RDWR) {
    ::close(fd);
    throw error(errc::io_error, where + ": descriptor " + std::to_string(fd) + " is not open for " +
                                    (mode == O_RDONLY ? "reading" : "writing"));
  }
  return fd;
}

}  // namespace

parent_state::parent_state() {
  // Both taken at once, whatever happens next: a second restore, or a
  // program this process starts, must not use descriptors that are gone or
  // belong to someone else by then.
  const std::optional<std::string> state = take_variable(kStateFdVariable);
  const std::optional<std::string> confirm = take_variable(kConfirmFdVariable);
  if (!state) {
    throw error(errc::io_error,
                std::string("restore_from_parent: no state from a parent: ") + kStateFdVariable +
                    " is not set (this process was not started by respawn::spawn, or its state "
                    "was restored already)");
  }
  // Opened first: the parent learns of a bad state descriptor from the report.
  if (confirm) confirm_fd_ = open_descriptor(kConfirmFdVariable, *confirm, O_WRONLY);
  try {
    fd_ = open_descriptor(kStateFdVariable, *state, O_RDONLY);
  } catch (...) {
    report(std::current_exception());
    ::close(confirm_fd_);
    throw;
  }
  name_ = "the state from the parent (fd " + std::to_string(fd_) + ")";
}

parent_state::~parent_state() {
  // The report went first: a parent whose write fails when the state closes
  // finds the reason already waiting.
  if (confirm_fd_ >= 0) ::close(confirm_fd_);
  if (fd_ >= 0) ::close(fd_);
}

void parent_state::confirm() noexcept { send("k"); }

void parent_state::report(std::exception_ptr failure) noexcept {
  try {
    std::rethrow_exception(failure);
  } catch (const error& e) {
    send(std::string("e") + to_string(e.code()) + "\n" + e.what());
  } catch (const std::exception& e) {
    send(std::string("e") + to_string(errc::io_error) + "\n" + e.what());
  } catch (...) {
    send(std::string("e") + to_string(errc::io_error) + "\nan exception that is not a std::exception");
  }
}

void parent_state::send(const std::string& message) noexcept {
  if (confirm_fd_ < 0) return;
  try {
    // SIGPIPE is blocked for the write: a parent that died must not take
    // this process with it; its restore error (truncated) says enough.
    format::write_all(confirm_fd_, message.data(), message.size(), "confirmation to the parent");
  } catch (const error&) {
  }
  ::close(confirm_fd_);
  confirm_fd_ = -1;
}

}  // namespace detail
}  // namespace respawn
